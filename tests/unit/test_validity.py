from datetime import UTC, datetime

import pytest
from ebox.domain.errors import InvalidInput
from ebox.domain.registry import ValidityPeriod
from ebox.domain.validity import add_validity, expiration_for

JAN_31 = datetime(2026, 1, 31, 10, 0, tzinfo=UTC)


def test_month_validity_stops_at_the_end_of_a_shorter_month():
    assert add_validity(JAN_31, ValidityPeriod(1, "month")) == datetime(2026, 2, 28, 10, 0, tzinfo=UTC)


def test_year_and_day_validity():
    assert add_validity(JAN_31, ValidityPeriod(2, "year")) == datetime(2028, 1, 31, 10, 0, tzinfo=UTC)
    assert add_validity(JAN_31, ValidityPeriod(10, "day")) == datetime(2026, 2, 10, 10, 0, tzinfo=UTC)


def test_sender_may_shorten_but_not_extend_the_validity():
    period = ValidityPeriod(1, "month")
    assert expiration_for(JAN_31, period, "2026-02-05T00:00:00Z") == datetime(2026, 2, 5, tzinfo=UTC)
    assert expiration_for(JAN_31, period, "2030-01-01T00:00:00Z") == datetime(2026, 2, 28, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("requested", ["2025-01-01T00:00:00Z", "next week"])
def test_past_or_malformed_expiration_is_invalid_input(requested):
    with pytest.raises(InvalidInput):
        expiration_for(JAN_31, ValidityPeriod(1, "month"), requested)

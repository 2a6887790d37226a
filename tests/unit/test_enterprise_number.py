import pytest
from ebox.domain.enterprise_number import is_valid_enterprise_number, normalise_enterprise_number
from ebox.domain.errors import InvalidInput


@pytest.mark.parametrize("number", ["0406798006", "0403019261", "0852093431", "0220916609", "0428759497"])
def test_valid_numbers_from_the_register(number):
    assert normalise_enterprise_number(number) == number


@pytest.mark.parametrize("raw, expected", [("406798006", "0406798006"), ("0406.798.006", "0406798006"),
                                           ("BE 0406 798 006".removeprefix("BE "), "0406798006")])
def test_old_and_formatted_forms_are_normalised(raw, expected):
    assert normalise_enterprise_number(raw) == expected


@pytest.mark.parametrize("number", ["0123456789", "0852093432", "2406798006", "04067980", "abcdefghij", "",
                                    "0¹²³⁴⁵⁶⁷⁸⁹"])
def test_invalid_numbers_are_refused_with_invalid_input(number):
    with pytest.raises(InvalidInput):
        normalise_enterprise_number(number)
    assert not is_valid_enterprise_number(number)

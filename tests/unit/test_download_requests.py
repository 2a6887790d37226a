"""Bulk-download requests, read strictly: ids xor the inbox's filter, within the documented bounds."""

from __future__ import annotations

import pytest
from ebox.domain.downloads import FILTER_NAMES, MAX_MESSAGES, parse_download_request
from ebox.domain.errors import DownloadTooLarge, InvalidInput
from ebox.domain.message_filter import parse_filter


class ReadNames(dict):
    """A mapping that remembers which names were looked up."""

    def __init__(self) -> None:
        super().__init__()
        self.read: set[str] = set()

    def get(self, key, default=None):  # type: ignore[override]
        self.read.add(key)
        return super().get(key, default)


def test_the_filter_takes_exactly_the_inbox_query_parameters():
    params = ReadNames()
    parse_filter(params)
    assert params.read == set(FILTER_NAMES)


def test_ids_and_filters_are_read():
    assert parse_download_request({"messageIds": ["a", "b"]}).message_ids == ("a", "b")
    wanted = parse_download_request({"filter": {"readStatus": False, "partition": "HR"}}).filter_params
    assert wanted == {"readStatus": "false", "partition": "HR"}


@pytest.mark.parametrize("body", [None, [], {}, {"messageIds": "a"}, {"messageIds": []}, {"messageIds": [""]},
                                  {"messageIds": ["a", "a"]}, {"messageIds": ["a"], "filter": {}},
                                  {"filter": []}, {"filter": {"q": 3}}, {"filter": {"colour": "red"}},
                                  {"messageIds": ["a"], "extra": 1}])
def test_anything_else_is_invalid_input(body):
    with pytest.raises(InvalidInput):
        parse_download_request(body)


def test_more_ids_than_a_package_holds_are_refused_with_their_own_code():
    with pytest.raises(DownloadTooLarge) as refused:
        parse_download_request({"messageIds": [str(n) for n in range(MAX_MESSAGES + 1)]})
    assert refused.value.code == "DOWNLOAD_TOO_LARGE"
    assert len(parse_download_request({"messageIds": [str(n) for n in range(MAX_MESSAGES)]}).message_ids) == 500

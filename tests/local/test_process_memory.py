"""The local stack's process holds one copy of botocore's models however many boto3 sessions it makes."""

from __future__ import annotations

import boto3
import botocore.session
from ebox_local import process_memory


def test_sessions_made_while_installed_share_one_loader_and_its_search_paths_stay_as_they_were():
    before = botocore.session.create_loader  # type: ignore[attr-defined]
    process_memory.install()
    try:
        first, second = (boto3.session.Session(region_name="eu-west-1") for _ in range(2))
        loader = first._loader  # noqa: SLF001 - the data loader the session's clients read models from
        assert second._loader is loader  # noqa: SLF001
        assert len(loader.search_paths) == len(set(loader.search_paths))
        assert first.client("sqs", endpoint_url="http://127.0.0.1:1").meta.service_model.service_name == "sqs"
        process_memory.trim_freed_memory()
    finally:
        process_memory.uninstall()
    assert botocore.session.create_loader is before  # type: ignore[attr-defined]

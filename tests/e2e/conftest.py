"""The whole local stack (`make run`'s), started once for the end-to-end tests on free ports."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import TEMPLATE


@pytest.fixture(scope="session")
def local_stack() -> Iterator[Any]:
    from ebox_local.runner import LocalStack

    with LocalStack(TEMPLATE, port=0, moto_port=0) as running:
        yield running


@pytest.fixture(scope="session")
def base_url(local_stack: Any) -> str:
    return str(local_stack.api_url)

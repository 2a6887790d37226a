"""Every adapter classifies AWS failures through ebox.adapters.aws_errors: throttling, a 5xx answer and no
answer come out as a TransientError (retried, 503); anything else (access denied, a missing resource, a
request refused as malformed) stays the service's own error (a 500 logged with its stack, a state machine's
Catch, a queue's dead letters), never a "try again" that hides a fault from the operator."""

from __future__ import annotations

import ast
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError
from ebox.adapters.archive_entries import DynamoArchiveEntries
from ebox.adapters.batch_ledger import DynamoBatchLedger
from ebox.adapters.content_store import S3ContentStore
from ebox.adapters.download_jobs import DynamoDownloadJobs
from ebox.adapters.evidence_archive import S3EvidenceArchive
from ebox.adapters.kms_signer import KmsEs256Signer
from ebox.adapters.onboarding_store import DynamoSenderRequests
from ebox.adapters.workflow import StepFunctionsWorkflow
from ebox.domain.batch_plan import BatchRef
from ebox.domain.errors import TransientError

PACKAGE = Path(__file__).resolve().parents[2] / "layers" / "ebox" / "ebox"
AWS_MODULES = ("botocore.exceptions", "pynamodb.exceptions")
KEPT = {
    "adapters/aws_errors.py": "the one classification",
    "adapters/mailer.py": "whatever SES answered, the e-mail was not sent: the notification step releases its claim",
}


def _aws_names(tree: ast.Module) -> set[str]:
    """The exception classes the module imports from botocore or pynamodb."""
    return {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            and node.module in AWS_MODULES for alias in node.names}


def _caught(handler: ast.ExceptHandler) -> set[str]:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return {kind.id for kind in kinds if isinstance(kind, ast.Name)}


def _wraps_every_failure(statement: ast.stmt) -> bool:
    """``raise TransientError(...)`` as a handler's own statement, not under a test of what failed."""
    return (isinstance(statement, ast.Raise) and isinstance(statement.exc, ast.Call)
            and isinstance(statement.exc.func, ast.Name) and statement.exc.func.id == "TransientError")


def _sites(path: Path, root: Path = PACKAGE) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    aws = _aws_names(tree)
    return [f"{path.relative_to(root)}:{statement.lineno}" for node in ast.walk(tree)
            if isinstance(node, ast.ExceptHandler) and _caught(node) & aws
            for statement in node.body if _wraps_every_failure(statement)]


def test_no_aws_failure_is_turned_into_a_transient_error_whatever_it_was():
    found = [site for path in sorted(PACKAGE.rglob("*.py")) if str(path.relative_to(PACKAGE)) not in KEPT
             for site in _sites(path)]
    assert found == [], "classify these through ebox.adapters.aws_errors (call, classified, raise_classified)"


def test_the_walk_finds_what_it_looks_for(tmp_path):
    """The rule's own check: the pattern it forbids is found, a decided meaning is not."""
    source = tmp_path / "adapter.py"
    source.write_text(
        "from botocore.exceptions import BotoCoreError, ClientError\n"
        "def read():\n"
        "    try:\n        get()\n"
        "    except (ClientError, BotoCoreError) as error:\n"
        "        raise TransientError(f'could not read: {error}') from error\n"
        "def lease():\n"
        "    try:\n        take()\n"
        "    except ClientError as error:\n"
        "        if held(error):\n            raise TransientError('held by another') from None\n"
        "        raise\n")
    assert _sites(source, tmp_path) == ["adapter.py:6"]


class Refusing:
    """A boto3 client whose every operation (paginated ones too) fails with ``error``."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def get_paginator(self, operation: str) -> Any:
        return self

    def paginate(self, **params: Any) -> Any:
        raise self.error

    def __getattr__(self, operation: str) -> Callable[..., Any]:
        def refuse(*args: Any, **params: Any) -> Any:
            raise self.error
        return refuse


def _error(code: str, status: int) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}},
                       "Operation")


# one adapter per area: what it does with a client that refuses every call
AREAS: dict[str, Callable[[Any], Any]] = {
    "downloads": lambda client: DynamoDownloadJobs(client, table="t").get("0852093431", "dl-1"),
    "bulk": lambda client: DynamoBatchLedger(client, table="t").get(BatchRef("org", "batch")),
    "publication": lambda client: S3ContentStore(client, bucket="b", kms_key_id="k").stage(
        "uploads/org/1", io.BytesIO(b"%PDF"), media_type="application/pdf", size=4),
    "evidence signing": lambda client: KmsEs256Signer(client, key_id="k").sign_bytes(b"data"),
    "qualified delivery": lambda client: StepFunctionsWorkflow(client).answer("token", accept=True),
    "senders": lambda client: DynamoSenderRequests(client, table="t").get("request-1"),
    "evidence archive": lambda client: S3EvidenceArchive(client, bucket="b").put_batch("batches/1", b"records"),
    "archive entries": lambda client: DynamoArchiveEntries(client, table="t").entries("message-1"),
}


@pytest.mark.parametrize("area", AREAS)
def test_a_refusal_no_retry_cures_is_not_answered_as_try_again(area):
    denied = _error("AccessDeniedException", 400)
    with pytest.raises(ClientError) as raised:
        AREAS[area](Refusing(denied))
    assert raised.value is denied and not isinstance(raised.value, TransientError)


@pytest.mark.parametrize("area", AREAS)
@pytest.mark.parametrize("failure", [_error("ThrottlingException", 400), _error("InternalError", 500),
                                     ReadTimeoutError(endpoint_url="https://aws")])
def test_throttling_a_5xx_or_no_answer_is_retried(area, failure):
    with pytest.raises(TransientError) as raised:
        AREAS[area](Refusing(failure))
    assert raised.value.__cause__ is failure

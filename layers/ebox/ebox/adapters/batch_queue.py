"""Chunks of bulk lines to the lines queue (SQS), ten per SendMessageBatch call."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ebox.adapters.aws_errors import call
from ebox.domain.errors import TransientError

SEND_LIMIT = 10


class SqsBatchQueue:
    def __init__(self, sqs_client: Any, *, queue_url: str) -> None:
        self._sqs = sqs_client
        self._url = queue_url

    def send(self, bodies: Iterable[str]) -> int:
        sent = 0
        pending: list[str] = []
        for body in bodies:
            pending.append(body)
            if len(pending) == SEND_LIMIT:
                sent += self._send(pending)
                pending = []
        if pending:
            sent += self._send(pending)
        return sent

    def _send(self, bodies: list[str]) -> int:
        entries = [{"Id": str(i), "MessageBody": body} for i, body in enumerate(bodies)]
        for _attempt in range(3):
            response = call(self._sqs, "send_message_batch", failure="could not queue bulk lines", QueueUrl=self._url,
                            Entries=entries)
            failed = {f["Id"] for f in response.get("Failed", [])}
            entries = [e for e in entries if e["Id"] in failed]
            if not entries:
                return len(bodies)
        raise TransientError(f"{len(entries)} chunk(s) of bulk lines could not be queued")

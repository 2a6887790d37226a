"""The callback queue's retries: a delivery's next attempt, as a delayed SQS message."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ebox.adapters.aws_errors import raise_classified


class SqsCallbackRetries:
    def __init__(self, sqs_client: Any, *, queue_url: str) -> None:
        self._sqs = sqs_client
        self._queue_url = queue_url

    def retry(self, organization_id: str, delivery_id: str, *, delay_seconds: int, due_at: str,
              after_attempts: int) -> None:
        body = {"retry": {"organizationId": organization_id, "deliveryId": delivery_id, "dueAt": due_at,
                          "afterAttempts": after_attempts}}
        try:
            self._sqs.send_message(QueueUrl=self._queue_url, MessageBody=json.dumps(body),
                                   DelaySeconds=max(0, min(900, delay_seconds)))
        except (ClientError, BotoCoreError) as error:
            raise_classified(error)

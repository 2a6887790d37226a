"""Step Functions' side of qualified mail: resuming the execution that waits for the recipient."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ebox.adapters.aws_errors import error_code, raise_classified
from ebox.domain.errors import AcceptanceClosed

REFUSED_ERROR = "MessageRefused"
CLOSED = {"TaskTimedOut", "TaskDoesNotExist", "InvalidToken"}


class StepFunctionsWorkflow:
    def __init__(self, sfn_client: Any) -> None:
        self._sfn = sfn_client

    def answer(self, task_token: str, *, accept: bool) -> None:
        try:
            if accept:
                self._sfn.send_task_success(taskToken=task_token, output=json.dumps({"accepted": True}))
            else:
                self._sfn.send_task_failure(taskToken=task_token, error=REFUSED_ERROR,
                                            cause="the recipient refused the message")
        except ClientError as error:
            if error_code(error) in CLOSED:
                raise AcceptanceClosed("the acceptance window of this message has closed") from None
            raise_classified(error, "the delivery workflow did not take the answer")
        except BotoCoreError as error:
            raise_classified(error, "the delivery workflow is unreachable")

    def stop(self, execution_arn: str, *, cause: str) -> bool:
        """Stops a running execution; False when Step Functions could not be told (the caller decides)."""
        try:
            self._sfn.stop_execution(executionArn=execution_arn, cause=cause)
        except (ClientError, BotoCoreError):
            return False
        return True

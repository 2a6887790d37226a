"""E-mail through SES."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ebox.domain.errors import TransientError


class SesMailer:
    def __init__(self, ses_client: Any, *, sender: str) -> None:
        self._ses = ses_client
        self._sender = sender

    def send(self, *, to: str, subject: str, text: str) -> str:
        try:
            response = self._ses.send_email(
                Source=self._sender,
                Destination={"ToAddresses": [to]},
                Message={
                    "Subject": {"Data": subject, "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": text, "Charset": "UTF-8"}},
                },
            )
        except (ClientError, BotoCoreError) as error:
            raise TransientError(f"SES did not accept the e-mail to {to}: {error}") from error
        return str(response["MessageId"])

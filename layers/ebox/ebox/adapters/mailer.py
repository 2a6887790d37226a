"""E-mail through SES: one MIME message, its plain text and (when given) its HTML as alternatives of each
other (multipart/alternative, the plain text first: a client shows the last form it can)."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, ConnectionClosedError, ReadTimeoutError

from ebox.domain.errors import DeliveryUncertain, TransientError


def mime_message(*, sender: str, to: str, subject: str, text: str, html: str = "") -> bytes:
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message.as_bytes()


class SesMailer:
    def __init__(self, ses_client: Any, *, sender: str) -> None:
        self._ses = ses_client
        self._sender = sender

    def send(self, *, to: str, subject: str, text: str, html: str = "") -> str:
        raw = mime_message(sender=self._sender, to=to, subject=subject, text=text, html=html)
        try:
            response = self._ses.send_raw_email(Source=self._sender, Destinations=[to], RawMessage={"Data": raw})
        except (ReadTimeoutError, ConnectionClosedError) as error:
            raise DeliveryUncertain(f"SES took the e-mail to {to}, its answer was lost: {error}") from error
        except (ClientError, BotoCoreError) as error:
            # Kept on purpose, not classified: whatever SES answered (throttled, MessageRejected, an address or
            # domain not verified, sending paused), the e-mail was not sent: the notification step releases its
            # claim, reports it and its job comes back (claim-then-send: the e-mails already sent stay sent).
            raise TransientError(f"SES did not accept the e-mail to {to}: {error}") from error
        return str(response["MessageId"])

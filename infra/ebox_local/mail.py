"""The e-mails the local stack "sent": SES is emulated by moto, which keeps them in memory."""

from __future__ import annotations

import os
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends


def captured_mail() -> list[dict[str, Any]]:
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1"
    backend = ses_backends[DEFAULT_ACCOUNT_ID][region]
    mails = [{
        "id": message.id,
        "source": message.source,
        "destinations": message.destinations,
        "subject": message.subject,
        "body": message.body,
    } for message in backend.sent_messages]
    return list(reversed(mails))

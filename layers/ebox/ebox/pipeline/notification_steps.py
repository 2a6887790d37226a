"""Notify step: one MessagePublished event (from the notification queue) becomes at most one e-mail."""

from __future__ import annotations

import logging
from typing import Any

from ebox.domain.notification import new_document_email
from ebox.wiring import Services

logger = logging.getLogger(__name__)


def notify_recipient(event: dict[str, Any], services: Services) -> str:
    """Sends the new-document e-mail once per message. Returns what was done, for the logs."""
    detail = event["detail"]
    message_id = detail["messageId"]
    enterprise = services.registry.enterprise(detail["recipient"]["enterpriseNumber"])
    if enterprise is None or not enterprise.ebox_activated or not enterprise.contact_email:
        return f"{message_id}: no e-Box contact address, nothing sent"
    if not services.notifications.claim(message_id):
        return f"{message_id}: already notified"
    organization = services.registry.sender_organization(detail["senderOrganizationId"])
    email = new_document_email(
        to=enterprise.contact_email,
        detail=detail,
        sender_name=organization.short_name if organization else None,
        enterprise_name=enterprise.name,
    )
    try:
        mail_id = services.mailer.send(to=email.to, subject=email.subject, text=email.text)
    except Exception:
        services.notifications.release(message_id)
        raise
    services.notifications.sent(message_id, mail_id)
    return f"{message_id}: notified {email.to} ({mail_id})"

"""Attachments of an outbox email, loaded by the dispatcher just before sending."""

from __future__ import annotations

from pymongo.database import Database

from iprodash.integrations.delivery import PermanentFailure
from iprodash.repositories.email_attachments import (Attachment, AttachmentUnavailable,
                                                     EmailAttachments)


def attachments_for(db: Database, message: dict) -> list[Attachment]:
    """The files ``message`` refers to (empty for most emails).

    Raises:
        PermanentFailure: an attachment cannot be sent; retrying will not help.
    """
    if not message.get("attachments"):
        return []
    try:
        return EmailAttachments(db).load(message)
    except AttachmentUnavailable as exc:
        raise PermanentFailure(str(exc)) from exc

"""Enqueue emails into the durable outbox (the dispatcher sends them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo.database import Database

from iprodash.repositories.outbox import OutboxRepository
from iprodash.services.email_templates import render_email
from iprodash.services.sealed_messages import seal_sign_in_links
from iprodash.settings import get_settings


def app_link(path: str) -> str:
    """An absolute link into the app for emails and texts."""
    return f"{get_settings().public_url}{path}"


def enqueue_email(db: Database, *, company_id: ObjectId | None, to: str, kind: str,
                  idempotency_key: str, attachments: list[dict] | None = None,
                  related: dict[str, Any] | None = None, not_before: datetime | None = None,
                  **values: str) -> bool:
    """Write one email to the outbox; False when the key was already used.

    ``attachments`` are GridFS references ``{bucket, file_id, filename,
    content_type}`` (never the bytes); the dispatcher loads them when sending.
    A sign-in link in the body is stored sealed, never readable. ``related``
    names the job or client the email is about (``job_id``, ``client_id``);
    ``not_before`` holds it back until then (e.g. the recipient's daytime).
    """
    subject, text, html = render_email(kind, **values)
    message = {
        "company_id": company_id, "channel": "email", "kind": kind, "to": to,
        "subject": subject, "text": text, "html": html,
        "idempotency_key": idempotency_key, **(related or {}),
    }
    if not_before is not None:
        message["not_before"] = not_before
    if attachments:
        message["attachments"] = attachments
    return OutboxRepository(db).enqueue(seal_sign_in_links(message))

"""Webhook events already handled, so a provider's retry changes nothing twice."""

from __future__ import annotations

from datetime import datetime

from pymongo import ASCENDING, IndexModel
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

INDEXES = {"webhook_events": [IndexModel([("received_at", ASCENDING)])]}


class WebhookEventRepository:
    """``{_id: "<provider>:<event id>", received_at}``."""

    def __init__(self, db: Database):
        self.collection = db["webhook_events"]

    def claim(self, provider: str, event_id: str, now: datetime) -> bool:
        """True the first time an event is seen; False for a duplicate."""
        try:
            self.collection.insert_one({"_id": f"{provider}:{event_id}", "received_at": now})
            return True
        except DuplicateKeyError:
            return False

    def forget(self, provider: str, event_id: str) -> None:
        """Handling failed: let the provider's retry try again."""
        self.collection.delete_one({"_id": f"{provider}:{event_id}"})

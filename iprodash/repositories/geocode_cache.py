"""Cached place details (address parts and coordinates) by Google place id.

Entries hold no company or client link and expire after 30 days.
"""

from __future__ import annotations

from datetime import timedelta

from pymongo import ASCENDING, IndexModel
from pymongo.database import Database

from iprodash.repositories.base import utcnow

INDEXES = {"geocode_cache": [IndexModel([("cached_at", ASCENDING)],
                                        expireAfterSeconds=int(timedelta(days=30).total_seconds()))]}


class GeocodeCache:
    def __init__(self, db: Database):
        self.collection = db["geocode_cache"]

    def get(self, place_id: str) -> dict | None:
        return self.collection.find_one({"_id": place_id})

    def put(self, place_id: str, address: dict) -> None:
        self.collection.replace_one({"_id": place_id}, {**address, "cached_at": utcnow()},
                                    upsert=True)

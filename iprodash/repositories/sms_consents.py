"""The SMS consent ledger: one document per company and phone number.

The document holds the current state (``opted_in`` / ``opted_out``), how and
when it got there, and an append-only ``events`` list (method, time, IP,
disclosure text version) so the proof of consent survives later changes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, IndexModel, ReturnDocument

from iprodash.repositories.base import TenantRepository, utcnow
from iprodash.repositories.event_cache import read_in_event

OPTED_IN, OPTED_OUT = "opted_in", "opted_out"
# Asked for texts on the web form; nothing but the YES request is sent until
# the number itself replies YES (double opt-in).
PENDING = "pending_confirmation"

INDEXES = {
    "sms_consents": [
        IndexModel([("company_id", ASCENDING), ("phone", ASCENDING)], unique=True),
    ],
    # Inbound texts find their company by the number they were sent to.
    "companies": [IndexModel([("sms.sending_number", ASCENDING)])],
}


class SmsConsentRepository(TenantRepository):
    """A company's consent records, keyed by E.164 phone."""

    collection_name = "sms_consents"

    def for_phone(self, phone: str) -> dict | None:
        return self.find_one({"phone": phone})

    def _change(self, phone: str, *, status: str, event: dict[str, Any],
                fields: dict[str, Any], now: datetime) -> tuple[dict, bool]:
        """Set ``status``; returns (document, whether the status changed)."""
        before = self.collection.find_one_and_update(
            self.scoped({"phone": phone}),
            {"$set": {"status": status, "updated_at": now, **fields},
             "$push": {"events": event},
             "$setOnInsert": {"created_at": now}},
            upsert=True, return_document=ReturnDocument.BEFORE)
        after = self.for_phone(phone)
        return after, (before or {}).get("status") != status

    def opt_in(self, phone: str, *, method: str, now: datetime, ip: str = "",
               text_version: str = "", recorded_by: str = "",
               via: str = "") -> tuple[dict, bool]:
        """Record consent (web form, START keyword, or staff on a call / in person).

        Args:
            recorded_by: the staff user's id when the office recorded it.
            via: how it was given to staff: ``phone_call`` or ``in_person``.
        """
        event = {"action": OPTED_IN, "method": method, "at": now, "ip": ip,
                 "text_version": text_version, "recorded_by": recorded_by, "via": via}
        return self._change(phone, status=OPTED_IN, event=event, now=now, fields={
            "opted_in_at": now, "opted_in_method": method, "ip": ip,
            "text_version": text_version, "opted_in_by": recorded_by, "opted_in_via": via,
            "opted_out_at": None})

    def request_confirmation(self, phone: str, *, now: datetime, ip: str,
                             text_version: str) -> dict:
        """The web form asked for texts: pending until the number replies YES.

        A number already opted in or opted out keeps its status (the form
        can neither re-subscribe a number that said STOP nor change one
        that is subscribed); the request is kept in ``events`` either way.
        """
        event = {"action": PENDING, "method": "web_form", "at": now, "ip": ip,
                 "text_version": text_version}
        self.collection.update_one(
            self.scoped({"phone": phone}),
            {"$setOnInsert": {"status": PENDING, "created_at": now}}, upsert=True)
        self.collection.update_one(
            self.scoped({"phone": phone}),
            {"$set": {"requested_at": now, "requested_ip": ip, "updated_at": now,
                      "requested_text_version": text_version}, "$push": {"events": event}})
        return self.for_phone(phone)

    def mark_asked(self, phone: str, now: datetime) -> None:
        """The YES request went out for this pending number."""
        self.update_one({"phone": phone, "status": PENDING}, {"$set": {"asked_at": now}})

    def opt_out(self, phone: str, *, method: str, now: datetime) -> tuple[dict, bool]:
        """Suppress the number (STOP keyword, or the carrier reports it blocked)."""
        event = {"action": OPTED_OUT, "method": method, "at": now}
        return self._change(phone, status=OPTED_OUT, event=event, now=now, fields={
            "opted_out_at": now, "opted_out_method": method})

    def mark_introduced(self, phone: str, now: datetime) -> bool:
        """True exactly once per opted-in number: the caller sends the disclosure."""
        result = self.update_one({"phone": phone, "status": OPTED_IN, "introduced_at": None},
                                 {"$set": {"introduced_at": now}})
        return result.modified_count == 1

    def statuses(self, phones: list[str]) -> dict[str, str]:
        """Current status of each of ``phones`` (missing: no record)."""
        if not phones:
            return {}
        rows = self.find({"phone": {"$in": phones}}, projection={"phone": 1, "status": 1})
        return {doc["phone"]: doc["status"] for doc in rows}

    # --- after STOP and on erasure: the number itself is not kept ------------
    # ``phone_key`` is the number's keyed hash (services.pseudonyms); an
    # opted-out record is stored under it in ``phone`` (so the unique index
    # still allows one record per number) and holds nothing else but the time.

    def for_number(self, phone: str, phone_key: str) -> dict | None:
        """The number's record, by the number or its hash (an opt-out wins)."""
        rows = read_in_event(("sms_consents.for_number", self.company_id, phone, phone_key),
                             (self.collection_name,),
                             lambda: list(self.find({"phone": {"$in": [phone, phone_key]}})))
        return next((r for r in rows if r.get("status") == OPTED_OUT), rows[0] if rows else None)

    def keep_only_opt_out(self, phone: str, phone_key: str, now: datetime,
                          method: str = "") -> bool:
        """STOP: the record becomes the hash and the opt-out time (the opt-in proof goes).

        Args:
            method: kept when given (``staff_recorded``: the office pressed
                "Stop texting this number"); it says nothing about the person.

        Returns:
            Whether the number was not opted out before.
        """
        before = self.for_number(phone, phone_key)
        was_out = (before or {}).get("status") == OPTED_OUT
        opted_out_at = (before or {}).get("opted_out_at") if was_out else now
        record = {"company_id": self.company_id, "phone": phone_key, "status": OPTED_OUT,
                  "opted_out_at": opted_out_at or now, "updated_at": now}
        if method and not was_out:
            record["opted_out_method"] = method
        elif was_out and before.get("opted_out_method"):
            record["opted_out_method"] = before["opted_out_method"]
        self.collection.replace_one(self.scoped({"phone": phone_key}), record, upsert=True)
        self.delete_many({"phone": phone})
        return not was_out

    def forget_opt_out(self, phone_key: str) -> int:
        """The number opted in again: its hashed opt-out record goes."""
        return self.delete_many({"phone": phone_key, "status": OPTED_OUT}).deleted_count

    def erase_number(self, phone: str, phone_key: str) -> int:
        """Erasure: every record holding the number goes; a hashed opt-out stays.

        Returns:
            How many records held the number (0 when none).
        """
        record = self.find_one({"phone": phone})
        if record is None:
            return 0
        if record.get("status") == OPTED_OUT:
            self.keep_only_opt_out(phone, phone_key, record.get("opted_out_at") or utcnow())
            return 1
        return self.delete_many({"phone": phone}).deleted_count

    def plain_opt_outs(self) -> list[str]:
        """Opted-out numbers still stored as numbers (recorded before STOP cleanup)."""
        rows = self.find({"status": OPTED_OUT, "phone": {"$regex": r"^\+"}},
                         projection={"phone": 1})
        return [row["phone"] for row in rows]


def companies_with_plain_opt_outs(db) -> list:
    """Companies holding an opted-out record that still stores the number itself."""
    return db["sms_consents"].distinct("company_id", {"status": OPTED_OUT,
                                                      "phone": {"$regex": r"^\+"}})

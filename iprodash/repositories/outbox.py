"""The durable outbox of emails and texts, and the local sent box.

A message is written here in the same step as the change that caused it,
under a unique idempotency key, and a dispatcher sends it later. Statuses:
``queued`` -> ``sending`` -> ``sent``; ``dead`` after the last failed try;
``suppressed`` when the rules forbid it (no consent, opted out, bounced
address), with ``last_error`` saying why; ``canceled`` when it would arrive
too late (a reminder after the appointment). ``delivery_status`` comes from
the providers' webhooks. Retention (``jobs/retention.py``) deletes settled
messages after ``IPRODASH_OUTBOX_RETENTION_DAYS``.

A sign-in link is never stored readable: a waiting message holds it only
sealed (``sealed_body``, see ``services/sealed_messages.py``) and this
repository refuses to queue a body with a readable one; a settled message
keeps redacted bodies ("[sign-in link]") and loses ``sealed_body``.

Emails sent to Resend in one batch request are recorded as a group before
the request: every member gets ``batch_key`` (the request's idempotency key)
and ``batch_ids``; all but the first (the leader) get ``batch_follows``, the
leader's id. Followers are never claimed on their own: whoever claims the
leader claims them too, so a retried batch is the same request under the
same key. An email once sent on its own (``send_alone``) is never batched.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel, ReturnDocument, UpdateOne
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from iprodash.domain.sign_in_links import redact_sign_in_links
from iprodash.repositories.base import TenantRepository, to_object_id, utcnow

QUEUED, SENDING, SENT, DEAD, SUPPRESSED, CANCELED = (
    "queued", "sending", "sent", "dead", "suppressed", "canceled")
# Messages that never go out again keep only a redacted body.
_FINAL = (SENT, SUPPRESSED, CANCELED)
SEALED_FIELD = "sealed_body"

INDEXES = {
    "outbox": [
        IndexModel([("idempotency_key", ASCENDING)], unique=True),
        IndexModel([("status", ASCENDING), ("next_attempt_at", ASCENDING)]),
        IndexModel([("company_id", ASCENDING), ("status", ASCENDING), ("_id", DESCENDING)]),
        IndexModel([("company_id", ASCENDING), ("channel", ASCENDING), ("to", ASCENDING),
                    ("_id", DESCENDING)]),
        IndexModel([("channel", ASCENDING), ("_id", DESCENDING)]),
        IndexModel([("provider_id", ASCENDING)], sparse=True),
    ],
    "sent_box": [IndexModel([("_id", DESCENDING)]),
                 IndexModel([("company_id", ASCENDING), ("_id", DESCENDING)]),
                 ],
}


class OutboxRepository:
    """Enqueue, claim and settle outbox messages (platform-wide, for the dispatcher)."""

    def __init__(self, db: Database):
        self.collection = db["outbox"]
        self.sent_box = db["sent_box"]

    def enqueue(self, message: dict[str, Any], *, status: str = QUEUED,
                now: datetime | None = None) -> bool:
        """Insert unless the idempotency key exists; True when inserted.

        ``status`` is ``suppressed`` for a message the rules refuse: it is kept
        (with ``last_error`` saying why) so the office sees what was not sent.
        """
        now = now or utcnow()
        message = _storable(message, final=status in _FINAL)
        try:
            self.collection.insert_one({
                "attempts": 0, "last_error": "", **message, "status": status,
                "created_at": now, "next_attempt_at": message.get("not_before") or now,
            })
            return True
        except DuplicateKeyError:
            return False

    def by_key(self, idempotency_key: str) -> dict | None:
        return self.collection.find_one({"idempotency_key": idempotency_key})

    def claim_due(self, worker: str, lease_until: datetime,
                  now: datetime | None = None, *, fresh_email: bool = False) -> dict | None:
        """Atomically take one due message for sending (one claimer wins).

        Followers of a batch are left to their leader's claimer. With
        ``fresh_email`` only an email that may join a new batch is taken: no
        attachments, never sent alone, not part of an earlier batch.
        """
        query: dict[str, Any] = {"status": QUEUED, "next_attempt_at": {"$lte": now or utcnow()},
                                 "batch_follows": {"$exists": False}}
        if fresh_email:
            query.update({"channel": "email", "attachments": {"$exists": False},
                          "send_alone": {"$exists": False}, "batch_key": {"$exists": False}})
        return self.collection.find_one_and_update(
            query,
            {"$set": {"status": SENDING, "claimed_by": worker, "lease_until": lease_until},
             "$inc": {"attempts": 1}},
            sort=[("next_attempt_at", ASCENDING)],
            return_document=ReturnDocument.AFTER,
        )

    def claim_followers(self, leader_id: ObjectId, worker: str,
                        lease_until: datetime) -> list[dict]:
        """Take the queued followers of a batch whose leader ``worker`` has just claimed."""
        self.collection.update_many(
            {"batch_follows": leader_id, "status": QUEUED},
            {"$set": {"status": SENDING, "claimed_by": worker, "lease_until": lease_until},
             "$inc": {"attempts": 1}})
        return list(self.collection.find({"batch_follows": leader_id, "status": SENDING,
                                          "claimed_by": worker}))

    def record_batch(self, ids: list[ObjectId], key: str) -> None:
        """Before the request: these claimed emails go as one batch under ``key``."""
        self.collection.update_many({"_id": {"$in": ids}},
                                    {"$set": {"batch_key": key, "batch_ids": ids},
                                     "$unset": {"batch_follows": ""}})
        if len(ids) > 1:
            self.collection.update_many({"_id": {"$in": ids[1:]}},
                                        {"$set": {"batch_follows": ids[0]}})

    def record_alone(self, ids: list[ObjectId]) -> None:
        """Before the request: these claimed emails go one by one from now on."""
        self.collection.update_many(
            {"_id": {"$in": ids}},
            {"$set": {"send_alone": True},
             "$unset": {"batch_key": "", "batch_ids": "", "batch_follows": ""}})

    def release_stale_claims(self, now: datetime | None = None) -> int:
        """Return messages whose sender died mid-send to the queue.

        Also frees followers whose leader was settled without them (a sender
        that died between the two), so they are not stuck.
        """
        released = self.collection.update_many(
            {"status": SENDING, "lease_until": {"$lt": now or utcnow()}},
            {"$set": {"status": QUEUED}}).modified_count
        leaders = self.collection.distinct("batch_follows", {"status": QUEUED,
                                                             "batch_follows": {"$exists": True}})
        if leaders:
            alive = {doc["_id"] for doc in self.collection.find(
                {"_id": {"$in": leaders}, "status": {"$in": [QUEUED, SENDING]}}, {"_id": 1})}
            gone = [leader for leader in leaders if leader not in alive]
            if gone:
                self.collection.update_many({"batch_follows": {"$in": gone}, "status": QUEUED},
                                            {"$unset": {"batch_follows": ""}})
        return released

    def mark(self, message_id: ObjectId, status: str, **fields: Any) -> None:
        """Settle a claimed message (only the claimer calls this)."""
        self.collection.update_one({"_id": message_id},
                                   {"$set": {"status": status, "updated_at": utcnow(), **fields}})
        if status in _FINAL:
            self._redact([message_id])

    def mark_many(self, ids: list[ObjectId], status: str, **fields: Any) -> None:
        """Settle a claimed batch in one write (its members move together)."""
        self.collection.update_many({"_id": {"$in": ids}},
                                    {"$set": {"status": status, "updated_at": utcnow(), **fields}})
        if status in _FINAL:
            self._redact(ids)

    def _redact(self, ids: list[ObjectId]) -> None:
        """Keep only redacted bodies: a sent sign-in link is never stored readable."""
        updates = []
        for doc in self.collection.find({"_id": {"$in": ids}},
                                        {"text": 1, "html": 1, SEALED_FIELD: 1}):
            redacted = {key: redact_sign_in_links(doc[key]) for key in ("text", "html")
                        if doc.get(key)}
            change: dict[str, Any] = {}
            if any(redacted[key] != doc[key] for key in redacted):
                change["$set"] = redacted
            if SEALED_FIELD in doc:
                change["$unset"] = {SEALED_FIELD: ""}
            if change:
                updates.append(UpdateOne({"_id": doc["_id"]}, change))
        if updates:
            self.collection.bulk_write(updates, ordered=False)

    def mark_batch_sent(self, ids: list[ObjectId], provider: str, provider_ids: list[str],
                        sent_at: datetime) -> None:
        """The batch was accepted: all sent at once, then each its provider id."""
        self.mark_many(ids, SENT, provider=provider, sent_at=sent_at, last_error="")
        updates = [UpdateOne({"_id": i}, {"$set": {"provider_id": p}})
                   for i, p in zip(ids, provider_ids) if p]
        if updates:
            self.collection.bulk_write(updates, ordered=False)

    def postpone(self, message_id: ObjectId, until: datetime, reason: str) -> None:
        """Put a claimed message back until ``until`` without spending a try."""
        self.collection.update_one(
            {"_id": message_id},
            {"$set": {"status": QUEUED, "next_attempt_at": until, "last_error": reason,
                      "updated_at": utcnow()}, "$inc": {"attempts": -1}})

    def set_delivery_status(self, provider_id: str, status: str, detail: str,
                            at: datetime) -> dict | None:
        """Record what the provider's webhook says happened to a sent message."""
        return self.collection.find_one_and_update(
            {"provider_id": provider_id},
            {"$set": {"delivery_status": status, "delivery_detail": detail[:300],
                      "delivered_at": at}},
            return_document=ReturnDocument.AFTER)

    def record_sent_locally(self, message: dict[str, Any]) -> ObjectId:
        """The local provider: the message lands in the sent box, readable in the app."""
        return self.sent_box.insert_one({
            "outbox_id": message["_id"], "company_id": message.get("company_id"),
            "channel": message["channel"], "to": message["to"],
            "from": message.get("from_number", ""),
            "subject": message.get("subject", ""),
            "text": redact_sign_in_links(message.get("text", "")),
            "html": redact_sign_in_links(message.get("html", "")), "sent_at": utcnow(),
            "attachments": [a.get("filename", "") for a in message.get("attachments") or []],
        }).inserted_id

    def page_sent_box(self, *, before_id: str | None, limit: int) -> list[dict]:
        query = {"_id": {"$lt": ObjectId(before_id)}} if before_id else {}
        return list(self.sent_box.find(query).sort("_id", DESCENDING).limit(limit))

    def page_emails(self, *, before_id: str | None, limit: int) -> list[dict]:
        """Every company's emails, newest first (the operator's local outbox).

        Texts are left out: they carry clients' numbers and words, which the
        operator never reads.
        """
        query: dict = {"channel": "email"}
        if before_id:
            query["_id"] = {"$lt": ObjectId(before_id)}
        return list(self.collection.find(query, {"text": 0, "html": 0})
                    .sort("_id", DESCENDING).limit(limit))


def _storable(message: dict[str, Any], *, final: bool) -> dict[str, Any]:
    """``message`` as it may be stored.

    A message that never goes out keeps redacted bodies and nothing sealed.

    Raises:
        ValueError: a message to be sent carries a readable sign-in link
            (the caller must seal it first: ``seal_sign_in_links``).
    """
    bodies = {key: message[key] for key in ("text", "html") if message.get(key)}
    redacted = {key: redact_sign_in_links(value) for key, value in bodies.items()}
    if final:
        kept = {k: v for k, v in message.items() if k != SEALED_FIELD}
        return {**kept, **redacted}
    if redacted != bodies:
        raise ValueError(f"A {message.get('kind', 'message')} with a readable sign-in link "
                         "cannot be queued; seal it first.")
    return message


class CompanyOutbox(TenantRepository):
    """One company's messages: the admin's outbox page and conversation threads."""

    collection_name = "outbox"

    def page(self, *, status: str | None, before_id: str | None, limit: int) -> list[dict]:
        query: dict[str, Any] = {"status": status} if status else {}
        if before_id:
            query["_id"] = {"$lt": to_object_id(before_id, "message")}
        return list(self.find(query).sort("_id", DESCENDING).limit(limit))

    def retry(self, message_id: Any, now: datetime) -> dict | None:
        """A dead letter goes back to the queue with a fresh set of tries.

        An email leaves its batch and goes on its own under its own key.
        """
        return self.find_one_and_update(
            {"_id": to_object_id(message_id, "message"), "status": DEAD},
            {"$set": {"status": QUEUED, "attempts": 0, "next_attempt_at": now,
                      "last_error": "", "retried_at": now, "send_alone": True},
             "$unset": {"batch_key": "", "batch_ids": "", "batch_follows": ""}},
            return_document=ReturnDocument.AFTER)

    def texts_to(self, phone: str, limit: int) -> list[dict]:
        """The newest texts sent (or tried) to ``phone``."""
        return list(self.find({"channel": "sms", "to": phone}).sort("_id", DESCENDING)
                    .limit(limit))

    def sent_box_page(self, *, before_id: str | None, limit: int) -> list[dict]:
        """This company's locally delivered messages (no provider keys)."""
        query: dict[str, Any] = {"company_id": self.company_id}
        if before_id:
            query["_id"] = {"$lt": to_object_id(before_id, "message")}
        return list(self.db["sent_box"].find(query).sort("_id", DESCENDING).limit(limit))

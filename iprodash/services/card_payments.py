"""Card payments arrive by the Connect webhook, never by a redirect.

``POST /api/webhooks/stripe-connect`` hands each delivery to
:func:`process_connect_webhook`: the signature is checked on the raw body
(``STRIPE_CONNECT_WEBHOOK_SECRET``), each event id is handled once (the
``webhook_events`` claim, forgotten again when handling fails so Stripe's
retry applies it), and events may come in any order.

* ``checkout.session.completed`` (paid) and ``payment_intent.succeeded`` both
  lead to :func:`_record_payment`: the PaymentIntent is read back from Stripe
  on the connected account with its charge's balance transaction, and the job
  gets one card payment (whichever event comes first; the PaymentIntent id is
  the payment's ``reference``, so the second finds it and changes nothing)
  with the amount, the tip and Stripe's **actual fee**.
* ``charge.refunded`` records the refunded total on the job's ``refunds``
  line for that payment (Stripe sends the running total, so a retry or a
  later partial refund never counts twice); on an open job it comes off the
  payment at once (:mod:`iprodash.domain.card_changes` has the rule).
* ``account.updated`` stores the account's charges/payouts flags.

A job is found by the company whose connected account sent the event *and*
the job id in the payment's metadata, so one company's event can never
touch another's job. On a closed job nothing in its money changes: the
payment or refund waits in ``card_pending`` and the job page's Invoice card
tells the office; reopening the job moves what waited into its payments
(:func:`iprodash.domain.card_changes.apply_waiting`, called by
``job_lifecycle.reopen_job``), so the figures change when it closes again.
"""

from __future__ import annotations

import logging
from typing import Any

from bson import ObjectId
from pymongo.database import Database

from iprodash.domain.card_changes import refund_payments
from iprodash.domain.errors import NotFound
from iprodash.domain.finance import CARD, COMPANY, Payment, validate_payment
from iprodash.domain.job_status import CANCELED, CLOSED
from iprodash.domain.money import format_money
from iprodash.integrations import stripe_connect
from iprodash.repositories.base import to_object_id, utcnow
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.jobs import JobRepository
from iprodash.repositories.webhook_events import WebhookEventRepository
from iprodash.services import audit, stripe_accounts
from iprodash.services.actor import USER, Actor
from iprodash.services.job_records import write_job
from iprodash.settings import get_settings

log = logging.getLogger(__name__)
PROVIDER = "stripe_connect"
PAYMENT_EVENTS = ("checkout.session.completed", "payment_intent.succeeded")


def _stripe_actor(company_id: ObjectId) -> Actor:
    """Who the job history names for what Stripe reported (no person did it)."""
    return Actor(user_id=company_id, role=USER, name="Stripe", email="", company_id=company_id)


def process_connect_webhook(db: Database, *, raw_body: bytes, signature: str | None) -> str:
    """Verify one Connect delivery and apply it once; returns what it did.

    Raises:
        NotFound: card payments are not configured on this server.
        InvalidConnectWebhook: the signature, timestamp or body is not valid.
        StripeUnavailable: Stripe could not be asked; the event is released so
            Stripe's retry applies it.
    """
    if not get_settings().card_payments_enabled:
        raise NotFound("Card payments are not configured on this server.")
    event = stripe_connect.verify_event(raw_body, signature)
    events = WebhookEventRepository(db)
    if not events.claim(PROVIDER, str(event["id"]), utcnow()):
        return "duplicate"
    try:
        return _apply(db, event)
    except Exception:
        events.forget(PROVIDER, str(event["id"]))
        raise


def _apply(db: Database, event: dict[str, Any]) -> str:
    kind, obj = event.get("type"), (event.get("data") or {}).get("object") or {}
    if kind == "account.updated":
        return ("account updated" if stripe_accounts.account_updated(db, account=obj)
                else "ignored: no company has this account")
    account_id = str(event.get("account") or "")
    company = CompanyRepository(db).by_stripe_account(account_id)
    if company is None:
        return "ignored: no company has this account"
    if kind in PAYMENT_EVENTS:
        if kind == "checkout.session.completed" and obj.get("payment_status") != "paid":
            return "ignored: not paid yet"
        intent_id = obj.get("payment_intent") if kind.startswith("checkout") else obj.get("id")
        if not intent_id:
            return "ignored: no payment"
        return _record_payment(db, company, account_id, str(intent_id))
    if kind == "charge.refunded":
        return _record_refund(db, company, obj)
    return "ignored: not a payment event"


def _job_of(db: Database, company: dict, metadata: dict) -> dict | None:
    job_id = (metadata or {}).get("job_id", "")
    try:
        oid = to_object_id(job_id, "job")
    except Exception:  # noqa: BLE001 - a foreign or missing id is simply not ours
        return None
    return JobRepository(db, company["_id"]).find_one({"_id": oid})


def _has_reference(job: dict, reference: str) -> bool:
    lines = [*(job.get("payments") or []), *(job.get("card_pending") or [])]
    return any(line.get("reference") == reference for line in lines)


def _fee_of(intent: dict) -> int | None:
    charge = intent.get("latest_charge")
    txn = charge.get("balance_transaction") if isinstance(charge, dict) else None
    return int(txn["fee"]) if isinstance(txn, dict) and "fee" in txn else None


def _record_payment(db: Database, company: dict, account_id: str, intent_id: str) -> str:
    intent = stripe_connect.retrieve_payment_intent(account_id=account_id,
                                                    payment_intent_id=intent_id)
    if intent.get("status") != "succeeded":
        return "ignored: payment not succeeded"
    job = _job_of(db, company, intent.get("metadata") or {})
    if job is None:
        return "ignored: no such job"
    if _has_reference(job, intent_id):
        return "duplicate payment"
    amount = int(intent.get("amount_received") or intent.get("amount") or 0)
    tip = min(int((intent.get("metadata") or {}).get("tip_cents") or 0), amount)
    payment = validate_payment(Payment(CARD, amount, COMPANY, tip_cents=tip,
                                       fee_cents=_fee_of(intent), reference=intent_id))
    actor = _stripe_actor(company["_id"])
    line = payment.as_dict()
    if job["status"] in (CLOSED, CANCELED):
        fields = {"card_pending": [*(job.get("card_pending") or []),
                                   {**line, "kind": "payment", "at": utcnow()}]}
        outcome = "payment waits: the job is closed"
    else:
        fields = {"payments": [*(job.get("payments") or []), line]}
        outcome = "payment recorded"
    write_job(db, actor=actor, job=job, fields=fields)
    audit.record(db, actor=None, company_id=company["_id"], action="job.card_payment_received",
                 target_type="job", target_id=job["_id"],
                 after={"amount_cents": amount, "tip_cents": tip, "fee_cents": line.get(
                     "fee_cents"), "reference": intent_id, "outcome": outcome})
    return outcome


def _refunded_payment(job: dict, intent_id: str, charge: dict) -> dict:
    """The refunded payment as received, for the refund line's words: Stripe's charged
    amount (else the payment line's) and the line's tip."""
    lines = [*(job.get("payments") or []),
             *(p for p in job.get("card_pending") or [] if p.get("kind") == "payment")]
    line = next((p for p in lines if p.get("reference") == intent_id), None)
    if line is None:
        return {}
    amount = charge.get("amount")
    return {"payment_cents": int(amount) if isinstance(amount, int) and amount > 0
            else int(line["amount_cents"]), "tip_cents": int(line.get("tip_cents", 0))}


def _record_refund(db: Database, company: dict, charge: dict) -> str:
    intent_id = str(charge.get("payment_intent") or "")
    job = _job_of(db, company, charge.get("metadata") or {})
    if job is None or not intent_id or not (
            _has_reference(job, intent_id)
            or any(r.get("reference") == intent_id for r in job.get("refunds") or [])):
        return "ignored: no payment of ours"
    total = int(charge.get("amount_refunded") or 0)
    refunds = [dict(r) for r in job.get("refunds") or []]
    mine = next((r for r in refunds if r["reference"] == intent_id), None)
    if mine is not None and mine["amount_cents"] >= total:
        return "duplicate refund"
    if mine is None:
        mine = {"reference": intent_id, "amount_cents": total, "applied_cents": 0,
                "at": utcnow(), **_refunded_payment(job, intent_id, charge)}
        refunds.append(mine)
    else:
        mine.update(amount_cents=total, at=utcnow())
    fields: dict[str, Any] = {"refunds": refunds}
    if job["status"] in (CLOSED, CANCELED):  # the figures change when it closes again
        fields["card_pending"] = [*(job.get("card_pending") or []),
                                  {"kind": "refund", "reference": intent_id,
                                   "amount_cents": total, "at": utcnow()}]
        outcome = "refund recorded: waits until the job is reopened"
    else:
        fields["payments"] = refund_payments(job.get("payments") or [], mine,
                                             total - int(mine.get("applied_cents", 0)))
        outcome = "refund recorded"
    write_job(db, actor=_stripe_actor(company["_id"]), job=job, fields=fields)
    audit.record(db, actor=None, company_id=company["_id"], action="job.card_refund_received",
                 target_type="job", target_id=job["_id"],
                 after={"reference": intent_id, "refunded_cents": total, "outcome": outcome})
    return outcome


def waiting_card_lines(job: dict) -> list[str]:
    """Sentences for what Stripe reported while the job was closed (the office's notice)."""
    notes = []
    for line in job.get("card_pending") or []:
        amount = format_money(int(line["amount_cents"]))
        notes.append(f"A card payment of {amount} arrived after the job was closed."
                     if line.get("kind") == "payment" else
                     f"Stripe refunded {amount} of a card payment after the job was closed.")
    if notes:
        notes.append("The job's money stays as it was closed. Reopen (or restore) the job to "
                     "bring it into the payments; the figures change when it is closed again.")
    return notes

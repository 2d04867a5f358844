"""What Stripe reports about a job's card payments after the fact: late payments, refunds.

Pure rules on the job document's lists (no database):

* A refund is kept as a refund line ``{reference, amount_cents, applied_cents,
  at}``: ``amount_cents`` is Stripe's running total refunded on that payment,
  ``applied_cents`` how much of it has already come off the payment line.
* On an open job a refund comes off its payment at once
  (:func:`apply_refund`): off the charge before the tip (the tip shrinks only
  when the refund leaves less than it), while Stripe keeps its fee (the
  fee stays, capped at what is left, since a fee can never exceed its
  payment); a payment refunded in full leaves the job's payments.
* Stripe keeps its whole fee on money it gives back, and the company still
  paid it: the part of the fee that leaves the payment line (all of it on a
  full refund, the part above what is left on a partial one) is kept on the
  refund line as ``kept_fee_cents`` and counts in the job's card fee
  (:func:`kept_fees`, ``compute_job_finance(kept_fees_cents=...)``), so the
  job's ``cc_fee`` is always the whole fee Stripe took.
* On a closed job nothing in its money changes: the payment or refund waits
  in ``card_pending`` (the office is told on the job page) and
  :func:`apply_waiting` moves everything waiting into the payments when the
  job is reopened, so its figures change when it is closed again.
"""

from __future__ import annotations

from typing import Any


def apply_refund(payments: list[dict], reference: str, cents: int) -> list[dict]:
    """``payments`` with ``cents`` more refunded on the payment ``reference``."""
    out = []
    for line in payments:
        if cents <= 0 or line.get("reference") != reference:
            out.append(line)
            continue
        left = int(line["amount_cents"]) - cents
        if left <= 0:
            continue  # refunded in full: the money is back with the client
        changed = {**line, "amount_cents": left}
        if changed.get("tip_cents"):
            changed["tip_cents"] = min(int(changed["tip_cents"]), left)
        if changed.get("fee_cents") is not None:
            changed["fee_cents"] = min(int(changed["fee_cents"]), left)
        out.append(changed)
    return out


def fee_of(payments: list[dict], reference: str) -> int:
    """The actual fee on the payment ``reference`` (0 when it is gone or has none)."""
    return sum(int(p.get("fee_cents") or 0) for p in payments
               if p.get("reference") == reference)


def refund_payments(payments: list[dict], refund: dict, cents: int) -> list[dict]:
    """Take ``cents`` more of ``refund`` off ``payments``; the fee that leaves goes to
    ``refund["kept_fee_cents"]`` (``refund`` is changed in place) and
    ``refund["applied_cents"]`` grows by ``cents``."""
    reference = refund["reference"]
    after = apply_refund(payments, reference, cents)
    kept = fee_of(payments, reference) - fee_of(after, reference)
    if kept:
        refund["kept_fee_cents"] = int(refund.get("kept_fee_cents", 0)) + kept
    refund["applied_cents"] = int(refund.get("applied_cents", 0)) + cents
    return after


def kept_fees(job: dict) -> int:
    """Stripe's fees on card money refunded off the job's payments (the company paid them)."""
    return sum(int(r.get("kept_fee_cents", 0)) for r in job.get("refunds") or [])


def unapplied_refunds(job: dict) -> int:
    """Refunded cents that have not come off the job's payments yet (closed jobs)."""
    return sum(int(r.get("amount_cents", 0)) - int(r.get("applied_cents", 0))
               for r in job.get("refunds") or [])


def apply_waiting(job: dict) -> dict[str, Any]:
    """The fields that bring what waited on a closed job into its payments.

    Late card payments join the payments (once per Stripe id), then every
    refund not yet applied comes off its payment; ``card_pending`` empties.
    Returns ``{}`` when nothing waits.
    """
    pending = job.get("card_pending") or []
    refunds = [dict(r) for r in job.get("refunds") or []]
    if not pending and not any(int(r.get("applied_cents", 0)) < int(r["amount_cents"])
                               for r in refunds):
        return {}
    payments = [dict(p) for p in job.get("payments") or []]
    for line in pending:
        if line.get("kind") == "payment" and not any(
                p.get("reference") == line.get("reference") for p in payments):
            payments.append({k: v for k, v in line.items() if k not in ("kind", "at")})
    for refund in refunds:  # a payment the office already took off stays off
        payments = refund_payments(
            payments, refund, int(refund["amount_cents"]) - int(refund.get("applied_cents", 0)))
    return {"payments": payments, "refunds": refunds, "card_pending": []}

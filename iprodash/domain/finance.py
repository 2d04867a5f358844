"""THE one implementation of the money formulas in DOMAIN.md.

Every report (dashboard, PDF, CSV, API) and every snapshot taken when a job
closes uses :func:`compute_job_finance`; settlements use
:func:`technician_balance` / :func:`summarize_settlement`.

Formulas, all integers in cents, each rounding half-up once per line::

    gross             = sum of payments
    card              = sum of card payments
    cc_fee            = round(card x card fee rate)
    parts             = parts paid by company + parts paid by technician
    net               = gross - parts - cc_fee
    tech_commission   = round(max(net, 0) x technician rate) - per-job fee
    source_commission = round(max(net, 0) x source rate), or the fixed amount
    company_profit    = net - tech_commission - source_commission

Decisions where DOMAIN.md is terse:

* Loss jobs (net <= 0) and the per-job fee: the formula is followed
  literally. The percentage part is 0, and the technician's per-job fee is
  still charged, so ``tech_commission`` is ``-fee`` (the technician owes the
  fee, as on any other job). Worked example 4 has no fee and gives 0.
  Likewise when the percentage is smaller than the fee, the commission is
  negative; it is never clamped, so the lines always add back.
* A fixed-amount source is paid its amount on every closed job, even a loss;
  a percent source earns 0 on a loss.
* ``company_profit`` is the remainder, so
  ``gross == tax + tips + cc_fee + parts + tech_commission + source_commission
  + company_profit`` holds exactly for every job.

Invoices, sales tax, tips and actual card fees (DOMAIN.md, worked example 5)::

    tax     = the sales tax on the job's invoice (0 without one), never income
    tips    = sum of the payments' tips, the technician's in full
    cc_fee  = sum over card payments of: the payment's actual processor fee
              when known, else round(amount x card fee rate)
              (a job none of whose card payments has an actual fee:
              round(card x card fee rate), exactly as before)
    cc_fee += kept card fees: Stripe's fees on card money it refunded
              (it keeps them; 0 on a job without a refund)
    net     = gross - tax - tips - parts - cc_fee
    balance = sum(tech_commission) + sum(tips) + sum(parts paid by technician)
              - sum(payments collected by technician)

DOMAIN.md says both "per card payment: its actual fee, else round(amount x
rate)" and "without an actual fee every figure is exactly as above" (one
``round(card x rate)``); the two differ only when a job has two or more card
payments. Both are followed to the letter: a job with at least one actual
fee rounds each other card payment on its own, a job with none rounds its
card total once as before (two card payments of $0.50 at 3% cost 3 cents;
beside a Stripe payment they cost 2 + 2). The fee is on the whole card
payment, tip included: the processor charges it on the tip as well and the
company bears it, since the tip reaches the technician in full.

Refunds (DOMAIN.md has no line for them; docs/DECISIONS.md worked example
R1): a refund takes money off its payment, but Stripe keeps its fee and the
company paid it, so the fee that leaves the payment line (all of it when the
payment is refunded in full) stays in ``cc_fee`` as a kept fee
(:func:`iprodash.domain.card_changes.kept_fees`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Iterable

from iprodash.domain.line_items import (CARD, CASH, CHECK, COLLECTORS, COMPANY, OTHER,
                                        PAYMENT_METHODS, TECHNICIAN, ZELLE, Part, Payment,
                                        validate_part, validate_payment, validate_payments_match)
from iprodash.domain.errors import ValidationError
from iprodash.domain.money import MAX_CENTS, apply_rate_bp, format_money
from iprodash.domain.rates import (SOURCE_FIXED, SOURCE_KINDS, SOURCE_NONE, SOURCE_PERCENT, Rates,
                                   validate_rates)

__all__ = [
    "CARD", "CASH", "CHECK", "COLLECTORS", "COMPANY", "OTHER", "PAYMENT_METHODS", "TECHNICIAN",
    "ZELLE", "SOURCE_FIXED", "SOURCE_KINDS", "SOURCE_NONE", "SOURCE_PERCENT", "JobFinance",
    "Part", "Payment", "Rates", "SettlementSummary", "compute_job_finance", "summarize_settlement",
    "technician_balance", "validate_part", "validate_payment", "validate_payments_match",
    "validate_rates", "OWES_TECHNICIAN", "OWES_COMPANY", "SETTLED",
]

OWES_TECHNICIAN = "Company owes technician"
OWES_COMPANY = "Technician owes company"
SETTLED = "Settled"


@dataclass(frozen=True)
class JobFinance:
    """Every money figure of one job, in cents (see the module docstring)."""

    gross: int
    card: int
    cc_fee: int
    parts: int
    parts_by_company: int
    parts_by_technician: int
    net: int
    tech_commission: int
    source_commission: int
    company_profit: int
    collected_by_technician: int
    tax: int = 0
    tips: int = 0

    @classmethod
    def from_dict(cls, data: dict) -> JobFinance:
        """Build from a stored snapshot (the output of :meth:`as_dict`).

        Snapshots taken before invoices and tips existed have no ``tax`` or
        ``tips``: those jobs had neither, so both are 0.
        """
        return cls(**{f.name: data[f.name] if f.name not in _ADDED_LATER else
                      data.get(f.name, 0) for f in fields(cls)})

    def as_dict(self) -> dict:
        """Plain ``{name: cents}`` dict, stored on the job as its snapshot."""
        return asdict(self)


_ADDED_LATER = ("tax", "tips")


def _card_fee(payments: list[Payment], rates: Rates) -> int:
    card = [p for p in payments if p.method == CARD]
    if all(p.fee_cents is None for p in card):  # DOMAIN.md: exactly as before
        return apply_rate_bp(sum(p.amount_cents for p in card), rates.card_fee_bp)
    return sum(p.fee_cents if p.fee_cents is not None
               else apply_rate_bp(p.amount_cents, rates.card_fee_bp) for p in card)


def _check_tax(tax_cents: object) -> int:
    if isinstance(tax_cents, bool) or not isinstance(tax_cents, int) \
            or not 0 <= tax_cents <= MAX_CENTS:
        raise ValidationError("The sales tax must be $0.00 or more.", field="tax_cents")
    return tax_cents


def _check_kept_fees(cents: object) -> int:
    if isinstance(cents, bool) or not isinstance(cents, int) or not 0 <= cents <= MAX_CENTS:
        raise ValidationError("A kept card fee must be $0.00 or more.", field="kept_fees_cents")
    return cents


def _source_commission(net: int, rates: Rates) -> int:
    if rates.source_kind == SOURCE_PERCENT:
        return apply_rate_bp(max(net, 0), rates.source_rate_bp)
    if rates.source_kind == SOURCE_FIXED:
        return rates.source_fixed_cents
    return 0


def compute_job_finance(*, payments: Iterable[Payment], parts: Iterable[Part],
                        rates: Rates, tax_cents: int = 0,
                        kept_fees_cents: int = 0) -> JobFinance:
    """Compute every money line of a job from its payments, parts and rates.

    Args:
        payments: The job's payments (tips and actual card fees included); each is validated.
        parts: The job's parts; each is validated.
        rates: The rates to apply (live rates, or the snapshot of a closed job).
        tax_cents: The sales tax on the job's invoice; 0 for a job without one.
        kept_fees_cents: Stripe's fees on card money refunded off the payments
            (:func:`iprodash.domain.card_changes.kept_fees`); 0 without a refund.

    Returns:
        The job's :class:`JobFinance`.

    Raises:
        ValidationError: a payment, part or rate is invalid.
    """
    payments = [validate_payment(p) for p in payments]
    parts = [validate_part(p) for p in parts]
    validate_rates(rates)
    tax = _check_tax(tax_cents)
    gross = sum(p.amount_cents for p in payments)
    card = sum(p.amount_cents for p in payments if p.method == CARD)
    tips = sum(p.tip_cents for p in payments)
    cc_fee = _card_fee(payments, rates) + _check_kept_fees(kept_fees_cents)
    parts_by_company = sum(p.cost_cents for p in parts if p.paid_by == COMPANY)
    parts_by_technician = sum(p.cost_cents for p in parts if p.paid_by == TECHNICIAN)
    parts_total = parts_by_company + parts_by_technician
    net = gross - tax - tips - parts_total - cc_fee
    tech_commission = apply_rate_bp(max(net, 0), rates.tech_commission_bp) \
        - rates.tech_job_fee_cents
    source_commission = _source_commission(net, rates)
    return JobFinance(
        gross=gross, card=card, cc_fee=cc_fee, parts=parts_total,
        parts_by_company=parts_by_company, parts_by_technician=parts_by_technician, net=net,
        tech_commission=tech_commission, source_commission=source_commission,
        company_profit=net - tech_commission - source_commission,
        collected_by_technician=sum(p.amount_cents for p in payments
                                    if p.collected_by == TECHNICIAN),
        tax=tax, tips=tips,
    )


def technician_balance(finances: Iterable[JobFinance]) -> int:
    """What the company owes a technician over some closed jobs, in cents.

    ``sum(tech_commission) + sum(tips) + sum(parts paid by technician)
    - sum(payments collected by technician)``; positive: the company owes the
    technician, negative: the technician owes the company.
    """
    return sum(f.tech_commission + f.tips + f.parts_by_technician - f.collected_by_technician
               for f in finances)


@dataclass(frozen=True)
class SettlementSummary:
    """Totals of a technician's closed jobs for a settlement period, in cents.

    Attributes:
        jobs: Number of jobs.
        gross, parts, cc_fee, net: Sums of the jobs' lines.
        commission: Sum of ``tech_commission``.
        parts_by_technician: Parts the technician paid for (owed back to them).
        collected_by_technician: Payments the technician holds (owed to the company).
        balance: :func:`technician_balance` of the jobs.
        owes: "Company owes technician", "Technician owes company" or "Settled".
        tips: Sum of the jobs' tips (the technician's in full, owed to them).
    """

    jobs: int
    gross: int
    parts: int
    cc_fee: int
    net: int
    commission: int
    parts_by_technician: int
    collected_by_technician: int
    balance: int
    owes: str
    tips: int = 0

    @property
    def balance_text(self) -> str:
        """e.g. "Company owes technician $185.20" or "Settled"."""
        if self.balance == 0:
            return self.owes
        return f"{self.owes} {format_money(abs(self.balance))}"

    def as_dict(self) -> dict:
        """Plain dict, stored as a settlement's ``totals``."""
        return asdict(self)


def summarize_settlement(finances: Iterable[JobFinance]) -> SettlementSummary:
    """Add up a technician's jobs for a settlement (see :class:`SettlementSummary`)."""
    finances = list(finances)
    balance = technician_balance(finances)
    owes = OWES_TECHNICIAN if balance > 0 else OWES_COMPANY if balance < 0 else SETTLED
    return SettlementSummary(
        jobs=len(finances),
        gross=sum(f.gross for f in finances),
        parts=sum(f.parts for f in finances),
        cc_fee=sum(f.cc_fee for f in finances),
        net=sum(f.net for f in finances),
        commission=sum(f.tech_commission for f in finances),
        parts_by_technician=sum(f.parts_by_technician for f in finances),
        collected_by_technician=sum(f.collected_by_technician for f in finances),
        balance=balance,
        owes=owes,
        tips=sum(f.tips for f in finances),
    )

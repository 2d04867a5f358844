"""The rates a job's money is computed with, and their validation.

:mod:`iprodash.domain.finance` re-exports everything here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from iprodash.domain.errors import ValidationError
from iprodash.domain.money import BP_PER_UNIT, MAX_CENTS

SOURCE_PERCENT, SOURCE_FIXED, SOURCE_NONE = "percent", "fixed", "none"
SOURCE_KINDS = (SOURCE_PERCENT, SOURCE_FIXED, SOURCE_NONE)


@dataclass(frozen=True)
class Rates:
    """The rates a job is computed with (snapshotted onto the job at close).

    Attributes:
        card_fee_bp: Company card processing fee, basis points (3% = 300).
        tech_commission_bp: Technician commission, basis points.
        tech_job_fee_cents: Technician per-job fee, subtracted from commission.
        source_kind: ``"percent"``, ``"fixed"`` or ``"none"`` (no lead source).
        source_rate_bp: Source commission for ``"percent"`` sources.
        source_fixed_cents: Source amount per closed job for ``"fixed"`` sources.
    """

    card_fee_bp: int = 0
    tech_commission_bp: int = 0
    tech_job_fee_cents: int = 0
    source_kind: str = SOURCE_NONE
    source_rate_bp: int = 0
    source_fixed_cents: int = 0

    @classmethod
    def from_dict(cls, data: dict | None) -> Rates:
        """Build from a stored snapshot; missing keys take their defaults."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in names})

    def as_dict(self) -> dict:
        """The snapshot stored on the job document."""
        return asdict(self)


def _is_int_between(value: object, low: int, high: int) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and low <= value <= high


def validate_rates(rates: Rates) -> Rates:
    """Return ``rates`` when every rate is 0-100% and every amount sensible.

    Raises:
        ValidationError: a rate outside 0-100%, a negative or absurd amount,
            or an unknown source kind.
    """
    for name in ("card_fee_bp", "tech_commission_bp", "source_rate_bp"):
        if not _is_int_between(getattr(rates, name), 0, BP_PER_UNIT):
            raise ValidationError("A percentage must be between 0 and 100.", field=name)
    for name in ("tech_job_fee_cents", "source_fixed_cents"):
        if not _is_int_between(getattr(rates, name), 0, MAX_CENTS):
            raise ValidationError("Enter an amount of $0.00 or more, like 5.00.", field=name)
    if rates.source_kind not in SOURCE_KINDS:
        raise ValidationError("A lead source is paid a percentage or a fixed amount.",
                              field="source_kind")
    return rates

"""Rates snapshots: defaults, round trip, and the ranges they must stay in."""

import pytest

from iprodash.domain.errors import ValidationError
from iprodash.domain.rates import Rates, validate_rates


def test_defaults_mean_no_fees_and_no_source():
    rates = Rates()
    assert rates.source_kind == "none"
    assert validate_rates(rates) is rates


def test_snapshot_round_trips_and_ignores_unknown_keys():
    rates = Rates(300, 4000, 500, "fixed", 0, 2000)
    assert Rates.from_dict({**rates.as_dict(), "legacy": 1}) == rates
    assert Rates.from_dict(None) == Rates()


@pytest.mark.parametrize("changes, field", [
    ({"card_fee_bp": -1}, "card_fee_bp"),
    ({"tech_commission_bp": 10_001}, "tech_commission_bp"),
    ({"source_rate_bp": 3.5}, "source_rate_bp"),
    ({"tech_job_fee_cents": -500}, "tech_job_fee_cents"),
    ({"source_fixed_cents": True}, "source_fixed_cents"),
    ({"source_kind": "barter"}, "source_kind"),
])
def test_out_of_range_rates_are_refused(changes, field):
    with pytest.raises(ValidationError) as info:
        validate_rates(Rates(**changes))
    assert info.value.field == field


def test_the_limits_themselves_are_allowed():
    validate_rates(Rates(card_fee_bp=0, tech_commission_bp=10_000, source_rate_bp=10_000,
                         source_kind="percent"))

"""DOMAIN.md's money formulas: the worked examples, add-back, and settlements."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iprodash.domain.errors import ValidationError
from iprodash.domain.money import MAX_CENTS, apply_rate_bp
from iprodash.domain.finance import (COLLECTORS, PAYMENT_METHODS, JobFinance, Part, Payment, Rates,
                                     SettlementSummary, compute_job_finance, summarize_settlement,
                                     technician_balance)


def example_1_card_job() -> JobFinance:
    return compute_job_finance(
        payments=[Payment("card", 40000, "company")],
        parts=[Part("Door lock", 5000, "technician")],
        rates=Rates(card_fee_bp=300, tech_commission_bp=4000, tech_job_fee_cents=0,
                    source_kind="percent", source_rate_bp=1000),
    )


def example_2_cash_job() -> JobFinance:
    return compute_job_finance(
        payments=[Payment("cash", 25000, "technician")],
        parts=[],
        rates=Rates(card_fee_bp=300, tech_commission_bp=5000, tech_job_fee_cents=500,
                    source_kind="fixed", source_fixed_cents=2000),
    )


def test_example_1_card_job():
    finance = example_1_card_job()
    assert finance.as_dict() == {
        "gross": 40000, "card": 40000, "cc_fee": 1200, "parts": 5000, "parts_by_company": 0,
        "parts_by_technician": 5000, "net": 33800, "tech_commission": 13520,
        "source_commission": 3380, "company_profit": 16900, "collected_by_technician": 0,
        "tax": 0, "tips": 0,
    }
    assert technician_balance([finance]) == 18520


def test_example_2_cash_job():
    finance = example_2_cash_job()
    assert (finance.cc_fee, finance.net, finance.tech_commission, finance.source_commission,
            finance.company_profit) == (0, 25000, 12000, 2000, 11000)
    assert finance.collected_by_technician == 25000
    assert technician_balance([finance]) == -13000


def test_example_3_rounding():
    finance = compute_job_finance(payments=[Payment("cash", 33333, "company")], parts=[],
                                  rates=Rates(tech_commission_bp=3350))
    assert finance.net == 33333
    assert finance.tech_commission == 11167  # 111.66555 -> 111.67


def test_example_4_loss():
    finance = compute_job_finance(
        payments=[Payment("cash", 8000, "company")],
        parts=[Part("Motor", 12000, "company")],
        rates=Rates(tech_commission_bp=4000, source_kind="percent", source_rate_bp=1000),
    )
    assert (finance.net, finance.tech_commission, finance.source_commission,
            finance.company_profit) == (-4000, 0, 0, -4000)


def test_loss_still_charges_the_per_job_fee_and_a_fixed_source():
    finance = compute_job_finance(
        payments=[Payment("cash", 8000, "company")], parts=[Part("Motor", 12000, "company")],
        rates=Rates(tech_commission_bp=4000, tech_job_fee_cents=500, source_kind="fixed",
                    source_fixed_cents=2000),
    )
    assert finance.tech_commission == -500
    assert finance.source_commission == 2000
    assert finance.company_profit == -4000 + 500 - 2000


def test_only_card_payments_pay_the_card_fee():
    finance = compute_job_finance(
        payments=[Payment("card", 10000, "company"), Payment("zelle", 5000, "company"),
                  Payment("check", 3333, "technician")],
        parts=[], rates=Rates(card_fee_bp=350))
    assert (finance.gross, finance.card, finance.cc_fee) == (18333, 10000, 350)
    assert finance.collected_by_technician == 3333


def example_5_invoice() -> JobFinance:
    # Items $200.00 taxable + $100.00 not, tax 8.875% of $200.00 = $17.75, tip $20.00.
    return compute_job_finance(
        payments=[Payment("card", 33775, "company", tip_cents=2000, fee_cents=1009)],
        parts=[Part("Spring", 4000, "company")],
        rates=Rates(card_fee_bp=300, tech_commission_bp=4000, source_kind="percent",
                    source_rate_bp=1000),
        tax_cents=1775,
    )


def test_example_5_invoice_tax_tip_and_actual_fee():
    finance = example_5_invoice()
    assert (finance.gross, finance.tax, finance.tips, finance.cc_fee, finance.parts) == \
        (33775, 1775, 2000, 1009, 4000)
    assert (finance.net, finance.tech_commission, finance.source_commission,
            finance.company_profit) == (24991, 9996, 2499, 12496)
    assert technician_balance([finance]) == 11996  # 99.96 + 20.00 tip
    assert summarize_settlement([finance]).tips == 2000


def example_r1_refunded_card_then_cash() -> JobFinance:
    """docs/DECISIONS.md worked example R1: a $200.00 card payment (Stripe fee $6.10)
    refunded in full, then $200.00 cash to the technician; technician 40%, source 10%."""
    return compute_job_finance(
        payments=[Payment("cash", 20000, "technician")], parts=[],
        rates=Rates(card_fee_bp=300, tech_commission_bp=4000, tech_job_fee_cents=0,
                    source_kind="percent", source_rate_bp=1000),
        kept_fees_cents=610)


def test_example_r1_stripes_kept_fee_on_a_full_refund_stays_a_cost():
    finance = example_r1_refunded_card_then_cash()
    assert (finance.gross, finance.card, finance.cc_fee, finance.net) == (20000, 0, 610, 19390)
    assert (finance.tech_commission, finance.source_commission, finance.company_profit) == \
        (7756, 1939, 9695)
    assert finance.gross == finance.cc_fee + finance.tech_commission \
        + finance.source_commission + finance.company_profit
    assert technician_balance([finance]) == 7756 - 20000


@pytest.mark.parametrize("kept", [-1, True, "610", MAX_CENTS + 1])
def test_a_bad_kept_fee_is_refused(kept):
    with pytest.raises(ValidationError):
        compute_job_finance(payments=[], parts=[], rates=Rates(), kept_fees_cents=kept)


def test_an_actual_fee_replaces_the_rate_only_for_its_own_payment():
    finance = compute_job_finance(
        payments=[Payment("card", 10000, "company", fee_cents=320),
                  Payment("card", 5000, "company"), Payment("card", 50, "company")],
        parts=[], rates=Rates(card_fee_bp=300))
    assert finance.cc_fee == 320 + 150 + 2  # each payment on its own: 1.50 and 0.015 -> 0.02


def test_beside_an_actual_fee_each_card_payment_is_rounded_on_its_own():
    """DOMAIN.md: the fee is summed over card payments, each rounded (2 x round(1.5c))."""
    finance = compute_job_finance(
        payments=[Payment("card", 10000, "company", fee_cents=320),
                  Payment("card", 50, "company"), Payment("card", 50, "company")],
        parts=[], rates=Rates(card_fee_bp=300))
    assert finance.cc_fee == 320 + 2 + 2  # not 320 + round(3.0) = 323


def test_card_payments_without_an_actual_fee_are_rounded_once_as_before():
    two_small = [Payment("card", 50, "company"), Payment("card", 50, "company")]
    finance = compute_job_finance(payments=two_small, parts=[], rates=Rates(card_fee_bp=300))
    assert finance.cc_fee == 3  # round(100 x 3%), not 2 x round(1.5)


def test_a_tip_is_the_technicians_even_when_the_technician_holds_the_cash():
    finance = compute_job_finance(
        payments=[Payment("cash", 11000, "technician", tip_cents=1000)], parts=[],
        rates=Rates(tech_commission_bp=5000))
    assert (finance.net, finance.tech_commission, finance.tips) == (10000, 5000, 1000)
    assert technician_balance([finance]) == 5000 + 1000 - 11000


@pytest.mark.parametrize("payment, field", [
    (Payment("cash", 1000, "company", tip_cents=1001), "tip_cents"),
    (Payment("cash", 1000, "company", tip_cents=-1), "tip_cents"),
    (Payment("cash", 1000, "company", fee_cents=30), "fee_cents"),
    (Payment("card", 1000, "company", fee_cents=1001), "fee_cents"),
    (Payment("card", 1000, "company", fee_cents=2.5), "fee_cents"),
])
def test_bad_tips_and_fees_are_refused(payment, field):
    with pytest.raises(ValidationError) as info:
        compute_job_finance(payments=[payment], parts=[], rates=Rates())
    assert info.value.field == field


def test_a_negative_tax_is_refused():
    with pytest.raises(ValidationError, match="sales tax"):
        compute_job_finance(payments=[], parts=[], rates=Rates(), tax_cents=-1)


def test_old_snapshots_without_tax_or_tips_read_as_zero():
    stored = example_1_card_job().as_dict()
    del stored["tax"], stored["tips"]
    assert JobFinance.from_dict(stored) == example_1_card_job()


def test_payments_without_tip_fee_or_reference_are_stored_as_before():
    assert Payment("card", 100, "company").as_dict() == {
        "method": "card", "amount_cents": 100, "collected_by": "company"}
    paid = Payment("card", 33775, "company", tip_cents=2000, fee_cents=1009, reference="pi_1")
    assert Payment.from_dict(paid.as_dict()) == paid


def test_job_finance_round_trips_through_its_dict():
    finance = example_1_card_job()
    assert JobFinance.from_dict(finance.as_dict()) == finance


def test_invalid_lines_are_refused():
    with pytest.raises(ValidationError, match="payment method"):
        compute_job_finance(payments=[Payment("bitcoin", 100, "company")], parts=[],
                            rates=Rates())
    with pytest.raises(ValidationError, match="percentage"):
        compute_job_finance(payments=[], parts=[], rates=Rates(card_fee_bp=10_001))


payments_st = st.lists(st.builds(Payment, st.sampled_from(PAYMENT_METHODS),
                                 st.integers(1, 5_000_000), st.sampled_from(COLLECTORS)),
                       max_size=6)

@st.composite
def _paid(draw) -> Payment:
    method = draw(st.sampled_from(PAYMENT_METHODS))
    amount = draw(st.integers(1, 5_000_000))
    tip = draw(st.one_of(st.just(0), st.integers(0, amount)))
    fee = draw(st.one_of(st.none(), st.integers(0, amount))) if method == "card" else None
    return Payment(method, amount, draw(st.sampled_from(COLLECTORS)), tip_cents=tip,
                   fee_cents=fee)


invoiced_payments_st = st.lists(_paid(), max_size=6)
parts_st = st.lists(st.builds(Part, st.just("Part"), st.integers(1, 3_000_000),
                              st.sampled_from(COLLECTORS)), max_size=6)
rates_st = st.builds(Rates, card_fee_bp=st.integers(0, 10_000),
                     tech_commission_bp=st.integers(0, 10_000),
                     tech_job_fee_cents=st.integers(0, 100_000),
                     source_kind=st.sampled_from(("percent", "fixed", "none")),
                     source_rate_bp=st.integers(0, 10_000),
                     source_fixed_cents=st.integers(0, 100_000))


@given(payments_st, parts_st, rates_st)
def test_lines_always_add_back_to_the_closing_price(payments, parts, rates):
    f = compute_job_finance(payments=payments, parts=parts, rates=rates)
    assert f.gross == sum(p.amount_cents for p in payments)
    assert f.gross == f.cc_fee + f.parts + f.tech_commission + f.source_commission \
        + f.company_profit
    assert f.parts == f.parts_by_company + f.parts_by_technician
    assert f.net == f.gross - f.parts - f.cc_fee


@given(invoiced_payments_st, parts_st, rates_st, st.integers(0, 2_000_000))
def test_with_tax_tips_and_actual_fees_the_lines_still_add_back(payments, parts, rates, tax):
    f = compute_job_finance(payments=payments, parts=parts, rates=rates, tax_cents=tax)
    assert f.gross == f.tax + f.tips + f.cc_fee + f.parts + f.tech_commission \
        + f.source_commission + f.company_profit
    assert f.tax == tax and f.tips == sum(p.tip_cents for p in payments)
    known = sum(p.fee_cents for p in payments if p.fee_cents is not None)
    unknown = sum(p.amount_cents for p in payments if p.method == "card" and p.fee_cents is None)
    assert known <= f.cc_fee <= known + unknown
    if any(p.fee_cents is not None for p in payments):
        assert f.cc_fee == known + sum(apply_rate_bp(p.amount_cents, rates.card_fee_bp)
                                       for p in payments
                                       if p.method == "card" and p.fee_cents is None)
    assert technician_balance([f]) == f.tech_commission + f.tips + f.parts_by_technician \
        - f.collected_by_technician


@given(invoiced_payments_st, parts_st, rates_st, st.integers(0, 2_000_000),
       st.integers(0, 1_000_000))
def test_a_kept_fee_is_a_card_fee_and_the_lines_still_add_back(payments, parts, rates, tax,
                                                               kept):
    without = compute_job_finance(payments=payments, parts=parts, rates=rates, tax_cents=tax)
    f = compute_job_finance(payments=payments, parts=parts, rates=rates, tax_cents=tax,
                            kept_fees_cents=kept)
    assert f.cc_fee == without.cc_fee + kept and f.net == without.net - kept
    assert (f.gross, f.card, f.tips, f.tax) == (without.gross, without.card, without.tips,
                                                without.tax)
    assert f.gross == f.tax + f.tips + f.cc_fee + f.parts + f.tech_commission \
        + f.source_commission + f.company_profit
    assert compute_job_finance(payments=payments, parts=parts, rates=rates, tax_cents=tax,
                               kept_fees_cents=0) == without


@given(payments_st, parts_st, rates_st)
def test_without_tax_tips_or_actual_fees_the_figures_are_todays(payments, parts, rates):
    f = compute_job_finance(payments=payments, parts=parts, rates=rates, tax_cents=0)
    card = sum(p.amount_cents for p in payments if p.method == "card")
    assert (f.tax, f.tips) == (0, 0)
    assert f.cc_fee == apply_rate_bp(card, rates.card_fee_bp)
    assert f.net == f.gross - f.parts - apply_rate_bp(card, rates.card_fee_bp)


@given(payments_st, parts_st, rates_st)
def test_percentages_never_pay_out_on_a_loss(payments, parts, rates):
    f = compute_job_finance(payments=payments, parts=parts, rates=rates)
    if f.net <= 0:
        assert f.tech_commission == -rates.tech_job_fee_cents
        if rates.source_kind == "percent":
            assert f.source_commission == 0


def test_settlement_summary_of_examples_1_and_2():
    summary = summarize_settlement([example_1_card_job(), example_2_cash_job()])
    assert summary == SettlementSummary(
        jobs=2, gross=65000, parts=5000, cc_fee=1200, net=58800, commission=25520,
        parts_by_technician=5000, collected_by_technician=25000, balance=18520 - 13000,
        owes="Company owes technician")
    assert summary.balance_text == "Company owes technician $55.20"
    assert summary.as_dict()["balance"] == 5520


@pytest.mark.parametrize("jobs, owes, text", [
    ([example_1_card_job], "Company owes technician", "Company owes technician $185.20"),
    ([example_2_cash_job], "Technician owes company", "Technician owes company $130.00"),
    ([], "Settled", "Settled"),
])
def test_who_owes_whom(jobs, owes, text):
    summary = summarize_settlement(job() for job in jobs)
    assert summary.owes == owes
    assert summary.balance_text == text
    assert summary.jobs == len(jobs)


def test_a_settlement_can_balance_to_zero():
    cash = compute_job_finance(payments=[Payment("cash", 10000, "technician")], parts=[],
                               rates=Rates(tech_commission_bp=10_000))
    assert technician_balance([cash]) == 0
    assert summarize_settlement([cash]).owes == "Settled"

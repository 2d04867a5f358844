"""DOMAIN.md's money formulas: the worked examples, add-back, and settlements."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iprodash.domain.errors import ValidationError
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

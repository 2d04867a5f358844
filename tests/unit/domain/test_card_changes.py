"""Refunds and late card payments on a job's payment lines (iprodash.domain.card_changes)."""

from __future__ import annotations

from iprodash.domain.card_changes import (apply_refund, apply_waiting, kept_fees, refund_payments,
                                         unapplied_refunds)

CARD = {"method": "card", "amount_cents": 10000, "collected_by": "company", "tip_cents": 1500,
        "fee_cents": 320, "reference": "pi_1"}
CASH = {"method": "cash", "amount_cents": 5000, "collected_by": "technician"}


def test_a_partial_refund_comes_off_the_charge_before_the_tip_and_keeps_the_fee():
    assert apply_refund([CASH, CARD], "pi_1", 4000) == [
        CASH, {**CARD, "amount_cents": 6000}]
    assert apply_refund([CARD], "pi_1", 9000) == [
        {**CARD, "amount_cents": 1000, "tip_cents": 1000, "fee_cents": 320}]
    assert apply_refund([CARD], "pi_1", 9900) == [
        {**CARD, "amount_cents": 100, "tip_cents": 100, "fee_cents": 100}]


def test_a_full_refund_takes_the_payment_off_and_others_stay():
    assert apply_refund([CASH, CARD], "pi_1", 10000) == [CASH]
    assert apply_refund([CASH, CARD], "pi_other", 10000) == [CASH, CARD]
    assert apply_refund([CARD], "pi_1", 0) == [CARD]


def test_nothing_waits_nothing_changes():
    assert apply_waiting({"payments": [CARD]}) == {}
    assert apply_waiting({"payments": [CARD], "refunds": [
        {"reference": "pi_1", "amount_cents": 100, "applied_cents": 100}]}) == {}


def test_waiting_payments_join_then_unapplied_refunds_come_off_once():
    late = {**CARD, "reference": "pi_2", "kind": "payment", "at": "t"}
    job = {"payments": [CASH, CARD],
           "card_pending": [late, {**late}, {"kind": "refund", "reference": "pi_1",
                                             "amount_cents": 3000}],
           "refunds": [{"reference": "pi_1", "amount_cents": 3000, "applied_cents": 1000}]}
    assert unapplied_refunds(job) == 2000
    fields = apply_waiting(job)
    assert fields["payments"] == [CASH, {**CARD, "amount_cents": 8000},
                                  {**CARD, "reference": "pi_2"}]
    assert fields["refunds"] == [{"reference": "pi_1", "amount_cents": 3000,
                                  "applied_cents": 3000}]  # the fee stayed on the payment
    assert fields["card_pending"] == []
    assert unapplied_refunds({**job, **fields}) == 0


def test_the_fee_leaving_a_payment_is_kept_on_its_refund_line():
    refund = {"reference": "pi_1", "amount_cents": 9900, "applied_cents": 0}
    assert refund_payments([CASH, CARD], refund, 9900) == [
        CASH, {**CARD, "amount_cents": 100, "tip_cents": 100, "fee_cents": 100}]
    assert refund == {"reference": "pi_1", "amount_cents": 9900, "applied_cents": 9900,
                      "kept_fee_cents": 220}  # $3.20 fee: $1.00 on the payment, $2.20 kept
    refund["amount_cents"] = 10000
    assert refund_payments([{**CARD, "amount_cents": 100, "tip_cents": 100,
                             "fee_cents": 100}], refund, 100) == []
    assert (refund["applied_cents"], refund["kept_fee_cents"]) == (10000, 320)
    assert kept_fees({"refunds": [refund, {"reference": "pi_9", "amount_cents": 5}]}) == 320


def test_a_partial_refund_that_leaves_the_fee_keeps_nothing():
    refund = {"reference": "pi_1", "amount_cents": 4000, "applied_cents": 0}
    refund_payments([CARD], refund, 4000)
    assert "kept_fee_cents" not in refund and kept_fees({"refunds": [refund]}) == 0
    assert kept_fees({}) == 0


def test_a_full_refund_waiting_on_a_closed_job_keeps_the_fee_on_reopen():
    job = {"payments": [CASH, CARD],
           "refunds": [{"reference": "pi_1", "amount_cents": 10000, "applied_cents": 0}]}
    fields = apply_waiting(job)
    assert fields["payments"] == [CASH]
    assert fields["refunds"][0]["kept_fee_cents"] == 320 and kept_fees(fields) == 320

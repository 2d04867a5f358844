"""Payments and parts must be well-formed; payments must match the closing price."""

import pytest

from iprodash.domain.errors import ValidationError
from iprodash.domain.line_items import (Part, Payment, validate_part, validate_payment,
                                        validate_payments_match)


def test_payments_that_do_not_add_up_are_refused_with_both_amounts():
    payments = [Payment("cash", 20000, "technician"), Payment("card", 15000, "company")]
    with pytest.raises(ValidationError) as info:
        validate_payments_match(40000, payments)
    assert info.value.message == "Payments add up to $350.00 but the closing price is $400.00."
    assert info.value.field == "payments"


def test_payments_that_add_up_pass():
    validate_payments_match(40000, [Payment("cash", 25000, "company"),
                                    Payment("card", 15000, "company")])
    validate_payments_match(0, [])


def test_no_payments_for_a_priced_job_is_refused():
    with pytest.raises(ValidationError, match=r"add up to \$0.00 but the closing price is \$1.00"):
        validate_payments_match(100, [])


@pytest.mark.parametrize("price", [-1, 10.0, None])
def test_a_nonsense_closing_price_is_refused(price):
    with pytest.raises(ValidationError, match="closing price"):
        validate_payments_match(price, [])


@pytest.mark.parametrize("method", ["cash", "check", "card", "zelle", "other"])
def test_every_known_method_is_accepted(method):
    payment = Payment(method, 100, "company")
    assert validate_payment(payment) is payment


@pytest.mark.parametrize("payment, field", [
    (Payment("venmo", 100, "company"), "method"),
    (Payment("cash", 100, "customer"), "collected_by"),
    (Payment("cash", 0, "company"), "amount_cents"),
    (Payment("cash", -100, "company"), "amount_cents"),
    (Payment("cash", 10.5, "company"), "amount_cents"),
    (Payment("cash", 10**12, "company"), "amount_cents"),
])
def test_bad_payments_are_refused_on_the_right_field(payment, field):
    with pytest.raises(ValidationError) as info:
        validate_payment(payment)
    assert info.value.field == field


@pytest.mark.parametrize("part, field", [
    (Part("  ", 100, "company"), "description"),
    (Part("x" * 201, 100, "company"), "description"),
    (Part("Hinge", 100, "client"), "paid_by"),
    (Part("Hinge", 0, "technician"), "cost_cents"),
])
def test_bad_parts_are_refused_on_the_right_field(part, field):
    with pytest.raises(ValidationError) as info:
        validate_part(part)
    assert info.value.field == field


def test_lines_round_trip_through_the_stored_dict():
    payment = Payment("zelle", 1234, "technician")
    part = Part("Spring", 999, "company")
    assert Payment.from_dict(payment.as_dict()) == payment
    assert Part.from_dict(part.as_dict()) == part
    assert payment.as_dict() == {"method": "zelle", "amount_cents": 1234,
                                 "collected_by": "technician"}

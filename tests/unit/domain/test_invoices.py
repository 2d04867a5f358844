"""Invoice totals: items, discount, sales tax in thousandths of a percent."""

import pytest

from iprodash.domain.errors import ValidationError
from iprodash.domain.invoices import (InvoiceItem, format_quantity, format_tax_rate,
                                      invoice_tax_cents, invoice_totals, parse_quantity,
                                      parse_tax_rate)


def test_worked_example_5_items_and_tax():
    items = [InvoiceItem("Spring", 100, 20000, True), InvoiceItem("Labor", 100, 10000, False)]
    totals = invoice_totals(items, discount_cents=0, tax_rate_milli_percent=8875)
    assert (totals.subtotal, totals.taxable, totals.tax, totals.total) == \
        (30000, 20000, 1775, 31775)


def test_quantities_with_decimals_round_per_line():
    item = InvoiceItem("Labor", 150, 3333, False)  # 1.5 x $33.33 = 49.995
    assert item.amount_cents == 5000


def test_a_discount_lowers_the_taxable_amount_by_its_taxable_share():
    items = [InvoiceItem("Spring", 100, 20000, True), InvoiceItem("Labor", 100, 10000, False)]
    totals = invoice_totals(items, discount_cents=3000, tax_rate_milli_percent=10000)
    assert totals.taxable == 20000 - 2000
    assert (totals.tax, totals.total) == (1800, 30000 - 3000 + 1800)


@pytest.mark.parametrize("discount", [-1, 30001, 1.5])
def test_a_bad_discount_is_refused(discount):
    items = [InvoiceItem("Spring", 100, 30000, True)]
    with pytest.raises(ValidationError) as info:
        invoice_totals(items, discount_cents=discount, tax_rate_milli_percent=0)
    assert info.value.field == "discount"


@pytest.mark.parametrize("item, field", [
    (InvoiceItem(" ", 100, 100, True), "description"),
    (InvoiceItem("x", 0, 100, True), "quantity"),
    (InvoiceItem("x", 100, -1, True), "unit_price"),
    (InvoiceItem("x", 100, 100, "yes"), "taxable"),
])
def test_bad_items_are_refused_on_their_field(item, field):
    with pytest.raises(ValidationError) as info:
        invoice_totals([item], discount_cents=0, tax_rate_milli_percent=0)
    assert info.value.field == field


def test_tax_rates_parse_with_three_decimals():
    assert parse_tax_rate("8.875") == 8875 and parse_tax_rate("8.875%") == 8875
    assert parse_tax_rate("7") == 7000 and parse_tax_rate("0") == 0
    assert format_tax_rate(8875) == "8.875%" and format_tax_rate(7000) == "7%"
    for bad in ("8.8751", "31", "-1", "abc", ""):
        with pytest.raises(ValidationError):
            parse_tax_rate(bad)


def test_quantities_parse_with_two_decimals():
    assert parse_quantity("1.5") == 150 and parse_quantity("2") == 200
    assert format_quantity(150) == "1.5" and format_quantity(200) == "2"
    for bad in ("0", "1.555", "-1", "x"):
        with pytest.raises(ValidationError):
            parse_quantity(bad)


def test_a_job_without_an_invoice_has_no_tax():
    assert invoice_tax_cents({}) == 0 and invoice_tax_cents({"invoice": None}) == 0
    assert invoice_tax_cents({"invoice": {"tax_cents": 1775}}) == 1775

"""CSV pieces that need no database: money text, formula guard, rows and filters."""

from __future__ import annotations

from datetime import timezone
from zoneinfo import ZoneInfo

import pytest

from iprodash.domain.errors import NotFound, ValidationError
from iprodash.services.job_csv import _safe, cents_text, parse_export_filter
from iprodash.services.job_import_rows import ImportContext, parse_job_row, read_rows

CONTEXT = ImportContext(company={"card_fee_bp": 300}, zone=ZoneInfo("America/New_York"),
                        technicians=[{"_id": 1, "name": "Tom Tech", "nickname": "Tommy",
                                      "commission_bp": 4000, "job_fee_cents": 0}],
                        sources=[{"_id": 2, "name": "Yelp", "kind": "fixed",
                                  "fixed_cents": 2500}])


def test_cents_text_uses_integers_only():
    assert [cents_text(c) for c in (0, 5, 12345, -4000, None)] == \
        ["0.00", "0.05", "123.45", "-40.00", ""]


def test_formula_guard_keeps_phone_numbers():
    assert _safe("=1+1") == "'=1+1" and _safe("@SUM(A1)") == "'@SUM(A1)"
    assert _safe("+12125550100") == "+12125550100" and _safe("Ann") == "Ann"


def test_export_filter_parsing():
    chosen = parse_export_filter({"status": "open", "from": "2025-03-01", "to": "2025-03-31",
                                  "date_field": "closed", "q": " 555 "})
    assert (chosen.status, chosen.date_field, chosen.search) == ("open", "closed", "555")
    with pytest.raises(ValidationError):
        parse_export_filter({"from": "2025-04-01", "to": "2025-03-01"})
    with pytest.raises(ValidationError):
        parse_export_filter({"date_field": "created"})
    with pytest.raises(NotFound):
        parse_export_filter({"technician": "not-an-id"})


def test_rows_keep_their_first_line_number_across_quoted_newlines():
    data = b'name,phone\r\n"Ann\r\nLee",2125550101\r\n\r\nBob,2125550102\r\n'
    columns, rows = read_rows(data, "clients", max_rows=10)
    assert columns == ["name", "phone"] and [line for line, _ in rows] == [2, 5]
    assert rows[0][1]["name"] == "Ann\r\nLee"
    with pytest.raises(ValidationError, match="at most 1 rows"):
        read_rows(data, "clients", max_rows=1)


def test_a_closed_job_row_is_checked_with_the_finance_function():
    spec = parse_job_row(CONTEXT, 2, {
        "client_name": "Ann", "phone": "2125550101", "technician": "tommy", "lead_source": "yelp",
        "status": "closed", "closing_price": "$250", "payment_method": "Cash",
        "collected_by": "technician", "scheduled_start": "03/10/2025 09:00"})
    assert spec.technician["name"] == "Tom Tech" and spec.source["name"] == "Yelp"
    assert spec.payments[0].amount_cents == 25000 and spec.payments[0].method == "cash"
    assert spec.scheduled_start.astimezone(timezone.utc).hour == 13  # 09:00 EDT
    assert spec.closed_at == spec.scheduled_end and spec.created_at == spec.scheduled_start
    with pytest.raises(ValidationError, match="payment_method"):
        parse_job_row(CONTEXT, 3, {"client_name": "Ann", "phone": "2125550101",
                                   "status": "closed", "closing_price": "10",
                                   "payment_method": "bitcoin", "scheduled_start": "2025-03-10"})
    with pytest.raises(ValidationError, match="after"):
        parse_job_row(CONTEXT, 4, {"client_name": "Ann", "phone": "2125550101",
                                   "scheduled_start": "2025-03-10 10:00",
                                   "scheduled_end": "2025-03-10 09:00"})


@pytest.mark.parametrize("when", ["9999-12-31 23:00", "0001-01-01", "12/31/1999", "2101-01-01"])
def test_a_row_dated_outside_2000_to_2100_is_refused_with_a_sentence(when):
    with pytest.raises(ValidationError, match="between 2000 and 2100"):
        parse_job_row(CONTEXT, 2, {"client_name": "Ann", "phone": "2125550101",
                                   "scheduled_start": when})

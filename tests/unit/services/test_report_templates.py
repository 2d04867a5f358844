"""Report templates and requests, without a database: escaping, ledger lines, names."""

from __future__ import annotations

from datetime import date

import pytest

from iprodash.domain.errors import ValidationError
from iprodash.domain.finance import JobFinance
from iprodash.services.report_builders import ReportRequest, safe_filename
from iprodash.services.report_data import Period, SettlementLine, percent_bp
from iprodash.services.report_templates.common import e, one_line
from iprodash.services.report_templates.settlement import _job_cells, _ledger_line

FINANCE = JobFinance(gross=40000, card=40000, cc_fee=1200, parts=5000, parts_by_company=0,
                     parts_by_technician=5000, net=33800, tech_commission=13520,
                     source_commission=3380, company_profit=16900, collected_by_technician=0)


def test_escape_covers_markup_and_quotes():
    assert e('<img src="x">') == "&lt;img src=&quot;x&quot;&gt;"
    assert e("Tom's & Co") == "Tom&#x27;s &amp; Co"
    assert e(None) == ""


def test_ledger_line_keeps_columns_whatever_the_city():
    line = SettlementLine(day="2026-11-03", number=1042, city="Spring<field>\nNorth Side Heights",
                          finance=FINANCE, settled=True)
    text = _ledger_line(_job_cells(line))
    assert "\n" not in text and "<field>" not in text and "&lt;field&gt;" in text
    raw = one_line("Spring<field> North Side Heights", 18)
    assert raw.endswith("~") and len(raw) == 18
    assert "#1042*" in text and text.endswith("$135.20")
    plain = _ledger_line(_job_cells(SettlementLine("2026-11-03", 7, "Troy", FINANCE, False)))
    assert len(plain) == len(_ledger_line(["2026-11-03", "#7", "Troy", "$400.00", "$50.00",
                                           "$12.00", "$338.00", "$135.20"]))


def test_file_names_are_plain_ascii_without_paths():
    assert safe_filename("settlement", "José Núñez", "2026-11-01-to-2026-11-30") == \
        "settlement-jose-nunez-2026-11-01-to-2026-11-30.pdf"
    assert safe_filename("receipt", "../../etc/passwd") == "receipt-etc-passwd.pdf"
    assert safe_filename("", "\u202e<>") == "report.pdf"


def test_period_parsing_and_bounds():
    period = Period.parse("2026-11-01", "2026-11-30")
    assert period.label == "Nov 1, 2026 to Nov 30, 2026" and period.slug.startswith("2026-11-01")
    with pytest.raises(ValidationError):
        Period.parse("2026-11-30", "2026-11-01")
    with pytest.raises(ValidationError):
        Period.parse("2025-11-01", "2026-11-30")
    with pytest.raises(ValidationError):
        Period.parse("", "2026-11-30")
    assert Period(date(2026, 11, 1), date(2026, 11, 1)).label == "Nov 1, 2026"


def test_rates_are_rounded_half_up_and_undefined_without_a_base():
    assert percent_bp(1, 3) == 3333 and percent_bp(2, 3) == 6667
    assert percent_bp(5, 0) is None


def test_requests_need_what_their_kind_needs():
    with pytest.raises(ValidationError):
        ReportRequest.parse(kind="settlement", start="2026-11-01", end="2026-11-30")
    with pytest.raises(ValidationError):
        ReportRequest.parse(kind="receipt")
    request = ReportRequest.parse(kind="profit_loss", start="2026-11-01", end="2026-11-30",
                                  source_id="6b04027584425f5afdd1a4ec")
    assert request.source_id is None  # only the lead source report is per source
    assert request.as_params()["period"] == {"start": "2026-11-01", "end": "2026-11-30"}

"""A technician's settlement statement: each closed job, and who owes whom."""

from __future__ import annotations

from iprodash.domain.words import pluralize
from iprodash.services.report_data import PayoutLine, SettlementData, SettlementLine
from iprodash.services.report_templates.common import (Byline, company_block, document, e,
                                                       meta_table, money, one_line)

# Column widths in characters of the monospaced job ledger.
_COLUMNS = (("Date", 10, "<"), ("Job #", 8, ">"), ("City", 18, "<"), ("Gross", 13, ">"),
            ("Parts", 12, ">"), ("Card fee", 11, ">"), ("Net", 13, ">"),
            ("Commission", 13, ">"))


def settlement_title(technician: str) -> str:
    return f"Settlement statement: {one_line(technician, 60)}"


def _ledger_line(cells: list[str]) -> str:
    """One fixed-width line; each cell cut to its column, then escaped."""
    text = " ".join(f"{one_line(cell, width):{align}{width}}"
                    for cell, (_, width, align) in zip(cells, _COLUMNS))
    return e(text.rstrip())


def _job_cells(line: SettlementLine) -> list[str]:
    f = line.finance
    marker = "*" if line.settled else ""
    return [line.day, f"#{line.number}{marker}", line.city, money(f.gross), money(f.parts),
            money(f.cc_fee), money(f.net), money(f.tech_commission)]


def _ledger(data: SettlementData) -> str:
    head = _ledger_line([name for name, _, _ in _COLUMNS])
    lines = "\n".join(_ledger_line(_job_cells(line)) for line in data.lines)
    s = data.summary
    foot = _ledger_line([pluralize(s.jobs, "job"), "", "", money(s.gross), money(s.parts),
                         money(s.cc_fee), money(s.net), money(s.commission)])
    return (f'<div class="ledger-head running">{head}</div><div class="ledger-head">{head}</div>'
            f'<div class="ledger">{lines}</div><div class="ledger-foot">{foot}</div>')


def _payout_row(payout: PayoutLine) -> str:
    return (f"<tr><td>{e(payout.paid_day)}</td><td class=\"num\">{payout.jobs}</td>"
            f"<td class=\"num\">{money(payout.balance)}</td>"
            f"<td class=\"num\">{money(payout.amount)}</td><td>{e(payout.method)}</td>"
            f"<td>{e(one_line(payout.note, 200))}</td></tr>")


def _payouts(data: SettlementData) -> str:
    """The payouts that hold these jobs and what is still open after them."""
    if not data.payouts:
        return ""
    still = data.open_summary
    still_text = ("Nothing open: every job above is in a payout." if still.jobs == 0 else
                  f"Still open ({still.jobs} jobs): {still.balance_text}")
    return ('<h2>Payouts</h2><table class="figures"><tr><th>Paid on</th><th>Jobs</th>'
            "<th>Balance</th><th>Amount paid</th><th>Method</th><th>Note</th></tr>"
            + "".join(_payout_row(p) for p in data.payouts) + "</table>"
            + f'<div class="balance"><strong>{e(still_text)}</strong></div>')


def render_settlement(data: SettlementData, byline: Byline | None = None) -> str:
    """The statement as an HTML document."""
    s = data.summary
    jobs = _ledger(data) if data.lines else "<p>No closed jobs in this period.</p>"
    settled_note = ('<p class="footnote">* Already included in a recorded payout.</p>'
                    if any(line.settled for line in data.lines) else "")
    tips = ((("Tips (the technician's in full)", money(s.tips)),) if s.tips else ())
    summary = "".join(f'<tr><td>{label}</td><td class="num">{value}</td></tr>' for label, value in (
        ("Commission earned", money(s.commission)),
        *tips,
        ("Parts the technician paid (owed to the technician)", money(s.parts_by_technician)),
        ("Money the technician collected (owed to the company)",
         money(s.collected_by_technician)),
    ))
    body = (
        company_block(data.company)
        + f"<h1>{e(settlement_title(data.technician))}</h1>"
        + meta_table([("Technician", e(data.technician)), ("Period", e(data.period.label)),
                      ("Closed jobs", str(s.jobs))])
        + "<h2>Jobs closed in the period</h2>" + jobs + settled_note
        + '<h2>Balance</h2><table class="figures">' + summary
        + f'<tr class="total"><td>Balance</td><td class="num">{money(s.balance)}</td></tr>'
          "</table>"
        + f'<div class="balance"><strong>{e(s.balance_text)}</strong></div>'
        + _payouts(data)
        + '<table class="signatures"><tr>'
          f'<td><div class="line">Technician: {e(data.technician)}, signature and date</div></td>'
          f'<td><div class="line">For {e(data.company.name)}: signature and date</div></td>'
          "</tr></table>"
    )
    return document(settlement_title(data.technician), body, byline)

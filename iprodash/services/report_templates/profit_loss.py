"""Profit and loss for a period, week by week, with a chart drawn as SVG."""

from __future__ import annotations

from iprodash.integrations.charts_svg import Series, bar_line_chart
from iprodash.services.report_data import Figures, ProfitLossData
from iprodash.services.report_templates.common import (Byline, company_block, document, e,
                                                       meta_table, money)

TITLE = "Profit and loss"
_COLUMNS = (("Jobs", "closed", False), ("Gross", "gross", True), ("Card fees", "cc_fee", True),
            ("Parts", "parts", True), ("Net", "net", True),
            ("Tech commissions", "tech_commission", True),
            ("Source commissions", "source_commission", True),
            ("Company profit", "company_profit", True))


def _row(figures: Figures, css: str = "") -> str:
    cells = "".join(f'<td class="num">{money(figures[key]) if is_money else figures[key]}</td>'
                    for _, key, is_money in _COLUMNS)
    return f'<tr class="{css}"><td>{e(figures.label)}</td>{cells}</tr>'


def render_profit_loss(data: ProfitLossData, byline: Byline | None = None) -> str:
    """The P&L as an HTML document."""
    chart = bar_line_chart([w.label for w in data.weeks],
                           Series("Gross", [w["gross"] for w in data.weeks]),
                           Series("Company profit", [w["company_profit"] for w in data.weeks]),
                           title="Gross and company profit by week", width=680, height=240)
    heads = "".join(f'<th class="num">{name}</th>' for name, _, _ in _COLUMNS)
    body = (
        company_block(data.company)
        + f"<h1>{TITLE}</h1>"
        + meta_table([("Period", e(data.period.label)),
                      ("Jobs closed", str(data.total["closed"])),
                      ("Company profit", money(data.total["company_profit"]))])
        + f'<div class="chart">{chart}</div>'
        + f'<table class="figures wide"><tr><th>Week of</th>{heads}</tr>'
        + "".join(_row(week) for week in data.weeks)
        + _row(data.total, "total") + "</table>"
        + '<p class="footnote">Jobs closed in the period, by close date in the company\'s time '
          "zone. Weeks start on Monday. Gross - card fees - parts = net; net - technician "
          "commissions - source commissions = company profit.</p>"
    )
    return document(f"{TITLE}, {data.period.label}", body, byline)

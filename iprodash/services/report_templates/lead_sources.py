"""Lead source report: jobs, close and cancel rates, money and ROI per source."""

from __future__ import annotations

from iprodash.services.report_data import Figures, LeadSourceData, percent_bp
from iprodash.services.report_templates.common import (Byline, company_block, document, e,
                                                       meta_table, money, one_line, percent)

TITLE = "Lead sources"


def _row(figures: Figures, css: str = "") -> str:
    created = figures["created"]
    cells = [str(created), percent(percent_bp(figures["created_closed"], created)),
             percent(percent_bp(figures["canceled"], created)), str(figures["closed"]),
             money(figures["gross"]), money(figures["source_commission"]),
             money(figures["company_profit"]),
             percent(percent_bp(figures["company_profit"], figures["source_commission"]))]
    tds = "".join(f'<td class="num">{cell}</td>' for cell in cells)
    return f'<tr class="{css}"><td>{e(one_line(figures.label, 40))}</td>{tds}</tr>'


def render_lead_sources(data: LeadSourceData, byline: Byline | None = None) -> str:
    """The lead source report as an HTML document."""
    heads = "".join(f'<th class="num">{name}</th>' for name in (
        "Jobs", "Close rate", "Cancel rate", "Closed", "Gross", "Source commission",
        "Company profit", "ROI"))
    rows = "".join(_row(source) for source in data.sources)
    table = (f'<table class="figures wide"><tr><th>Source</th>{heads}</tr>{rows}'
             f'{_row(data.total, "total")}</table>' if data.sources
             else "<p>No jobs were booked or closed in this period.</p>")
    body = (
        company_block(data.company)
        + f"<h1>{TITLE}</h1>"
        + meta_table([("Period", e(data.period.label))])
        + table
        + '<p class="footnote">Jobs: booked in the period. Close and cancel rates: the share of '
          "those jobs that are closed or canceled now. Closed, gross, commission and profit: "
          "jobs closed in the period. ROI: company profit for each dollar paid to the source "
          "(company profit / source commission).</p>"
    )
    return document(f"{TITLE}, {data.period.label}", body, byline)

"""HTML templates of the PDF reports (plain f-strings, every user field escaped)."""

from iprodash.services.report_templates.common import Byline
from iprodash.services.report_templates.lead_sources import render_lead_sources
from iprodash.services.report_templates.profit_loss import render_profit_loss
from iprodash.services.report_templates.receipt import render_receipt
from iprodash.services.report_templates.settlement import render_settlement

__all__ = ["Byline", "render_lead_sources", "render_profit_loss", "render_receipt",
           "render_settlement"]

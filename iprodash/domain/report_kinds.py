"""Kinds of PDF report and of data export, with the words shown for each."""

from __future__ import annotations

RECEIPT, SETTLEMENT, PROFIT_LOSS, LEAD_SOURCES = (
    "receipt", "settlement", "profit_loss", "lead_sources")
REPORT_KIND_LABELS = {RECEIPT: "Job receipt", SETTLEMENT: "Technician settlement statement",
                      PROFIT_LOSS: "Profit and loss", LEAD_SOURCES: "Lead sources"}

PERSONAL_EXPORT, COMPANY_EXPORT = "personal", "company"
TECHNICIAN_EXPORT = "technician"
EXPORT_KIND_LABELS = {PERSONAL_EXPORT: "My personal data", COMPANY_EXPORT: "All company data",
                      TECHNICIAN_EXPORT: "A technician's personal data"}

"""Pieces every report template shares: escaping, money, the page frame.

Templates are plain f-strings. Every value that a person typed (company,
client, technician and source names, addresses, notes) goes through
:func:`e` before it lands in the markup; figures go through :func:`money`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from iprodash.domain.money import format_money, format_percent
from iprodash.integrations.pdf import asset_url
from iprodash.services.report_data import CompanyHeader

STYLESHEET = "report.css"
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Byline:
    """Who made a report and when, printed at its foot."""

    made_by: str
    made_at: str  # already formatted, company time zone


def e(value: object) -> str:
    """HTML-escape a user-entered value (quotes too)."""
    return escape("" if value is None else str(value), quote=True)


def one_line(value: object, width: int | None = None) -> str:
    """Collapse whitespace (a newline must not break a ledger line) and cut to ``width``."""
    text = _SPACES.sub(" ", "" if value is None else str(value)).strip()
    if width is not None and len(text) > width:
        text = text[:width - 1] + "~"
    return text


def money(cents: int) -> str:
    return format_money(int(cents))


def percent(bp: int | None) -> str:
    """Basis points as a percentage, or a dash when there is nothing to divide."""
    return "-" if bp is None else format_percent(bp)


def multiline(value: object) -> str:
    """Escape, then keep the writer's line breaks."""
    return "<br>".join(e(line) for line in str(value or "").splitlines())


def company_block(company: CompanyHeader) -> str:
    contact = " · ".join(e(part) for part in (company.phone, company.email) if part)
    return (f'<div class="company"><div class="name">{e(company.name)}</div>'
            f'<div class="muted">{contact}</div></div>')


def meta_table(rows: list[tuple[str, str]]) -> str:
    """Label/value pairs; values must already be escaped."""
    cells = "".join(f'<tr><td class="label">{e(label)}</td><td>{value}</td></tr>'
                    for label, value in rows)
    return f'<table class="meta">{cells}</table>'


def document(title: str, body: str, byline: Byline | None = None) -> str:
    """The whole HTML document around a report's body."""
    foot = (f'<p class="footnote">Made by {e(byline.made_by)} on {e(byline.made_at)} '
            f'with iProDash.</p>' if byline else "")
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<title>{e(title)}</title>'
            f'<link rel="stylesheet" href="{asset_url(STYLESHEET)}"></head>'
            f'<body>{body}{foot}</body></html>')

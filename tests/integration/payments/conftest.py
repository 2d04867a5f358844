"""Payments-area fixtures: a shop built through the services, PDFs rendered in-process."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from iprodash.integrations.pdf_worker import render_pdf_here
from iprodash.services import invoices
from tests.integration.jobs.conftest import Shop


@pytest.fixture(autouse=True)
def _render_in_process(monkeypatch):
    """The same rendering code the PDF worker runs, in the test process (quicker)."""
    monkeypatch.setattr(invoices, "render_pdf",
                        lambda html, on_page=None: render_pdf_here(html, on_page=on_page))


@pytest.fixture
def shop(db) -> Shop:
    return Shop(db, "Acme Locks")


@pytest.fixture
def other_shop(db) -> Shop:
    return Shop(db, "Other Locks")


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF"), data[:20]
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)

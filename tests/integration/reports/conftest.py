"""Report fixtures: a company with its data, a second company, PDF text."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from iprodash.integrations.pdf_worker import render_pdf_here
from iprodash.services import reports
from tests.integration.reports.factories import ReportWorld


@pytest.fixture(autouse=True)
def _render_in_process(request, monkeypatch):
    """Render in the test process (the same code the renderer process runs) to keep
    these tests quick; a test that asks for ``child_renderer`` uses the real child."""
    if "child_renderer" not in request.fixturenames:
        monkeypatch.setattr(reports, "render_pdf",
                            lambda html, on_page=None: render_pdf_here(html, on_page=on_page))


@pytest.fixture
def child_renderer():
    """Opt out of in-process rendering: reports go through the renderer process."""


@pytest.fixture
def world(db) -> ReportWorld:
    return ReportWorld(db, "Acme Locks")


@pytest.fixture
def other_world(db) -> ReportWorld:
    return ReportWorld(db, "Other Locks")


def pdf_text(data: bytes) -> str:
    """All the text of a PDF, pages joined, as pypdf extracts it."""
    assert data.startswith(b"%PDF"), data[:20]
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def pdf_pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)

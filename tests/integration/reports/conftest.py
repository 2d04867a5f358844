"""Report fixtures: a company with its data, a second company, PDF text."""

from __future__ import annotations

import pytest

from iprodash.services import reports
from tests.integration.builders import pdf_pages, pdf_text, render_in_process
from tests.integration.reports.factories import ReportWorld

__all__ = ["pdf_pages", "pdf_text"]


@pytest.fixture(autouse=True)
def _render_in_process(request, monkeypatch):
    """Render in the test process (the same code the renderer process runs) to keep
    these tests quick; a test that asks for ``child_renderer`` uses the real child."""
    if "child_renderer" not in request.fixturenames:
        render_in_process(monkeypatch, reports)


@pytest.fixture
def child_renderer():
    """Opt out of in-process rendering: reports go through the renderer process."""


@pytest.fixture
def world(db) -> ReportWorld:
    return ReportWorld(db, "Acme Locks")


@pytest.fixture
def other_world(db) -> ReportWorld:
    return ReportWorld(db, "Other Locks")

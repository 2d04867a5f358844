"""User-entered fields cannot become markup in a report, nor make it fetch anything."""

from __future__ import annotations

import pytest

from iprodash.integrations import pdf, pdf_worker
from iprodash.repositories.reports import ReportFiles
from iprodash.services import reports
from tests.integration.reports.conftest import pdf_text
from tests.integration.reports.factories import EXAMPLE_CARD, utc

IMG = '<img src="file:///etc/passwd">'
LINK = '<link rel="stylesheet" href="http://evil.test/x.css">'
STYLE = "<style>@import url(http://evil.test/y.css);</style>"


@pytest.fixture
def renders(monkeypatch, child_renderer) -> list[pdf.RenderedPdf]:
    """Every PDF rendered during the test, with the URLs it asked for."""
    seen: list[pdf.RenderedPdf] = []

    def spy(html, **kwargs):
        seen.append(pdf.render_pdf(html, **kwargs))
        return seen[-1]

    monkeypatch.setattr(reports, "render_pdf", spy)
    return seen


def test_hostile_names_are_printed_as_text_and_nothing_is_fetched(db, world, renders):
    db["companies"].update_one({"_id": world.company_id}, {"$set": {"name": f"Acme {STYLE}"}})
    tom = world.technician(f"Tom {LINK}")
    source = world.source(f"Ads {IMG}")
    job = world.closed_job(closed_at=utc(2026, 11, 3, 15), technician_id=tom,
                           lead_source_id=source, client_name=IMG, city=LINK,
                           description=f"Fixed it {STYLE}\n<script>alert(1)</script>",
                           **EXAMPLE_CARD)
    admin = world.actor()
    made = [
        reports.generate_report(db=db, actor=admin, kind="receipt", job=str(job["number"])),
        reports.generate_report(db=db, actor=admin, kind="settlement", start="2026-11-01",
                                end="2026-11-30", technician_id=str(tom)),
        reports.generate_report(db=db, actor=admin, kind="profit_loss", start="2026-11-01",
                                end="2026-11-30"),
        reports.generate_report(db=db, actor=admin, kind="lead_sources", start="2026-11-01",
                                end="2026-11-30"),
    ]

    allowed = pdf_worker.AssetOnlyFetcher().allowed_urls()
    assert len(renders) == 4
    for rendered in renders:
        assert rendered.refused_urls == []  # nothing hostile was even asked for
        assert set(rendered.requested_urls) <= allowed
    texts = [pdf_text(ReportFiles(db, world.company_id).read(row.id)) for row in made]
    receipt, settlement, _, sources = texts
    assert IMG in receipt.replace("\n", " ")  # shown literally, as the client's name
    assert "<script>alert(1)</script>" in receipt
    assert "Tom <link" in settlement.replace("\n", " ")
    assert "Ads <img" in sources.replace("\n", " ")
    for text in texts:
        assert "Acme <style>@import" in text.replace("\n", " ")
        assert "root:x:0:0" not in text

"""Builders several integration areas share: PDF text, in-process rendering, the API
client and Stripe settings pointed at the local fake (billing and card payments)."""

from __future__ import annotations

import io
from contextlib import contextmanager

from pypdf import PdfReader

from iprodash.integrations.pdf_worker import render_pdf_here


def pdf_text(data: bytes) -> str:
    """All the text of a PDF, pages joined, as pypdf extracts it."""
    assert data.startswith(b"%PDF"), data[:20]
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def pdf_pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def render_in_process(monkeypatch, module) -> None:
    """``module.render_pdf`` runs the PDF worker's own code in the test process (quicker)."""
    monkeypatch.setattr(module, "render_pdf",
                        lambda html, on_page=None: render_pdf_here(html, on_page=on_page))


@contextmanager
def api_client():
    """The FastAPI app (public links, webhooks, downloads) as a test client."""
    from fastapi.testclient import TestClient

    from iprodash.api.app import create_api

    with TestClient(create_api(), base_url="http://localhost:3000") as client:
        yield client


STRIPE_NAMES = ("STRIPE_API_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_CONNECT_WEBHOOK_SECRET",
                "STRIPE_API_BASE")


@contextmanager
def stripe_settings(monkeypatch, *, fake_url: str = "", **env: str):
    """Settings with the platform key pointed at the fake Stripe at ``fake_url`` and the
    given variables (the other Stripe ones removed); no Stripe at all without a URL."""
    from iprodash.settings import get_settings

    for name in STRIPE_NAMES:
        monkeypatch.delenv(name, raising=False)
    if fake_url:
        monkeypatch.setenv("STRIPE_API_KEY", "sk_test_fake_key")
        monkeypatch.setenv("STRIPE_API_BASE", fake_url)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        yield
    finally:
        get_settings.cache_clear()

"""Sealing a queued message's sign-in link (no database)."""

from __future__ import annotations

import pytest

from iprodash.domain.sign_in_links import REDACTED
from iprodash.services.sealed_messages import SealBroken, seal_sign_in_links, unsealed
from iprodash.settings import get_settings

LINK = "http://localhost:3000/reset/Tok3n_abc-123"
MESSAGE = {"channel": "email", "to": "a@b.test", "text": f"Reset: {LINK} soon",
           "html": f'<a href="{LINK}">{LINK}</a>'}


def test_a_body_with_a_link_is_stored_redacted_and_opens_whole():
    stored = seal_sign_in_links(MESSAGE)
    assert stored["text"] == f"Reset: {REDACTED} soon"
    assert "Tok3n" not in repr({k: v for k, v in stored.items()})
    assert unsealed(stored) == MESSAGE


def test_a_message_without_a_sign_in_link_is_left_as_it_is():
    plain = {"channel": "sms", "text": "Your receipt: http://localhost:3000/api/receipt/1/x"}
    assert seal_sign_in_links(plain) is plain
    assert unsealed(plain) is plain


def test_each_seal_differs_and_an_altered_one_is_refused():
    first, second = seal_sign_in_links(MESSAGE), seal_sign_in_links(MESSAGE)
    assert first["sealed_body"] != second["sealed_body"]  # a fresh nonce each time
    altered = first["sealed_body"][:-6] + ("AAAAAA" if not first["sealed_body"].endswith(
        "AAAAAA") else "BBBBBB")
    with pytest.raises(SealBroken, match="Ask for a new link"):
        unsealed({**first, "sealed_body": altered})


def test_another_secret_key_cannot_open_it(monkeypatch):
    stored = seal_sign_in_links(MESSAGE)
    monkeypatch.setenv("IPRODASH_SECRET_KEY", "another-secret-key-entirely-0123456789")
    get_settings.cache_clear()
    try:
        with pytest.raises(SealBroken):
            unsealed(stored)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert unsealed(stored) == MESSAGE

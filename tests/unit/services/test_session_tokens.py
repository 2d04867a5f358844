"""Session tokens: a signature checked once per worker, the expiry on every use."""

from __future__ import annotations

import time

import pytest

from iprodash.domain.errors import NotAuthenticated
from iprodash.services import auth


def test_a_kept_token_still_expires(monkeypatch):
    token, _ = auth.sign_session(jti="jti-1", subject="user-1", hours=1)
    assert auth._decode(token)["jti"] == "jti-1"  # checked, and kept
    later = time.time() + 2 * 3600
    monkeypatch.setattr(auth.time, "time", lambda: later)
    with pytest.raises(NotAuthenticated):
        auth._decode(token)


def test_a_changed_token_is_refused_even_after_the_real_one_was_kept():
    token, _ = auth.sign_session(jti="jti-2", subject="user-2", hours=1)
    auth._decode(token)
    head, body, signature = token.split(".")
    forged = ".".join((head, body, signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")))
    with pytest.raises(NotAuthenticated):
        auth._decode(forged)


def test_callers_get_their_own_claims():
    token, _ = auth.sign_session(jti="jti-3", subject="user-3", hours=1)
    auth._decode(token)["jti"] = "changed"
    assert auth._decode(token)["jti"] == "jti-3"

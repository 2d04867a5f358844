"""Read sign-in links the way a developer does: from the local mailbox file.

The outbox keeps a sign-in link only sealed, and the sent box only redacted,
so a test that follows an emailed or texted link lets the real dispatcher
deliver the queued messages locally (no provider keys) into the
``IPRODASH_LOCAL_MAILBOX`` file of the ``mailbox`` fixture and reads it there.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

_LINK = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture
def mailbox(monkeypatch, tmp_path) -> Path:
    """The development mailbox file of this test (settings point at it)."""
    from iprodash.settings import get_settings

    path = tmp_path / "mailbox" / "local-mailbox.jsonl"
    monkeypatch.setenv("IPRODASH_LOCAL_MAILBOX", str(path))
    monkeypatch.setenv("RESEND_API_KEY", "")
    monkeypatch.setenv("TELNYX_API_KEY", "")
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def delivered_link(db, mailbox: Path, *, to: str, path: str, clock=None) -> str:
    """Send what is due, then the newest link containing ``path`` delivered to ``to``."""
    from iprodash.integrations.local_mailbox import read_mailbox
    from iprodash.services.outbox_dispatch import drain_outbox

    if clock is None:
        drain_outbox(db)
    else:
        drain_outbox(db, clock=clock)
    for message in reversed(read_mailbox(mailbox)):
        if message["to"].lower() == to.lower():
            for link in _LINK.findall(message["text"]):
                if path in link:
                    return link
    raise AssertionError(f"no message to {to} with a {path} link was delivered")

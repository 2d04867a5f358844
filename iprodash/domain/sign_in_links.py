"""Sign-in links (password reset, sign-up confirmation, invitation,
technician sign-in) are credentials: a stored copy of a message keeps only
"[sign-in link]" in their place."""

from __future__ import annotations

import re

REDACTED = "[sign-in link]"

_SIGN_IN_LINK = re.compile(
    r"""(?:https?://[^\s"'<>/]+)?(?:/reset/|/confirm/|/join\?invite=|/api/tech/open/)"""
    r"""[^\s"'<>]*""")


def redact_sign_in_links(text: str) -> str:
    """``text`` with every sign-in link replaced by ``[sign-in link]``."""
    return _SIGN_IN_LINK.sub(REDACTED, text or "")

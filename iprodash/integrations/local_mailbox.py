"""A development mailbox: the local provider's messages, whole, in a private file.

Without Resend or Telnyx keys the dispatcher delivers to the sent box in the
database, which keeps only redacted bodies. To follow a password reset,
invitation or technician link on a development machine (and in the browser
tests), set ``IPRODASH_LOCAL_MAILBOX`` to a file path: every locally
delivered message is appended there as one JSON line with its real bodies.
The file is created with mode 0600 (owner only) and never written when a
provider key is set or the setting is unset (the default).
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any


def append_to_mailbox(path: Path, message: dict[str, Any], sent_at: datetime) -> None:
    """Append one delivered message to the private mailbox file at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({
        "channel": message.get("channel", ""), "kind": message.get("kind", ""),
        "to": message.get("to", ""), "subject": message.get("subject", ""),
        "text": message.get("text", ""), "html": message.get("html", ""),
        "sent_at": sent_at.isoformat(),
    }, ensure_ascii=False)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.fchmod(fd, 0o600)  # an older file made by hand keeps no wider mode
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


def read_mailbox(path: Path) -> list[dict[str, Any]]:
    """Every message in the mailbox file, oldest first ([] when there is none)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

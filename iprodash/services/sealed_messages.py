"""Messages that carry a sign-in link wait in the outbox sealed.

A queued email or text whose body holds a sign-in link (password reset,
sign-up confirmation, invitation, technician sign-in) is stored with its
``text`` / ``html`` redacted ("[sign-in link]") and the real bodies in
``sealed_body``: XSalsa20-Poly1305 (PyNaCl ``SecretBox``) under a key derived
from the app's secret key. Only the dispatcher opens it, right before
sending; a settled message drops ``sealed_body`` and keeps the redacted
bodies. A dead letter keeps it, so an admin's retry still sends the link.

The database (and so a backup or an export of it) never holds a usable link:
opening one needs ``IPRODASH_SECRET_KEY`` (or ``data/secret.key``), which is
kept out of both. Changing that key makes sealed messages unreadable; the
dispatcher then dead-letters them with a sentence saying to ask for a new link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from iprodash.domain.sign_in_links import redact_sign_in_links
from iprodash.repositories.outbox import SEALED_FIELD
from iprodash.settings import get_settings

_BODIES = ("text", "html")
_PURPOSE = b"iprodash/outbox/sealed-body/v1"
UNREADABLE = ("The sign-in link in this message can no longer be opened (the app's secret "
              "key changed since it was queued). Ask for a new link instead of retrying.")


class SealBroken(Exception):
    """A sealed body that this app's key cannot open (other key, or altered)."""


def _box() -> SecretBox:
    """The box for the app's secret key; a separate key for this one purpose."""
    key = hmac.new(get_settings().secret_key.encode(), _PURPOSE, hashlib.sha256).digest()
    return SecretBox(key)


def seal_sign_in_links(message: dict[str, Any]) -> dict[str, Any]:
    """``message`` ready to be queued: a body with a sign-in link is sealed.

    Returns the same message when no body holds a sign-in link.
    """
    bodies = {key: message[key] for key in _BODIES if message.get(key)}
    redacted = {key: redact_sign_in_links(value) for key, value in bodies.items()}
    if redacted == bodies:
        return message
    sealed = _box().encrypt(json.dumps(bodies).encode())
    return {**message, **redacted, SEALED_FIELD: base64.urlsafe_b64encode(sealed).decode()}


def unsealed(message: dict[str, Any]) -> dict[str, Any]:
    """``message`` with its real bodies, as it is sent; itself when nothing is sealed.

    Raises:
        SealBroken: the sealed body cannot be opened with this app's key.
    """
    sealed = message.get(SEALED_FIELD)
    if not sealed:
        return message
    try:
        bodies = json.loads(_box().decrypt(base64.urlsafe_b64decode(sealed.encode())))
    except (CryptoError, ValueError, TypeError) as exc:
        raise SealBroken(UNREADABLE) from exc
    opened = {k: v for k, v in message.items() if k != SEALED_FIELD}
    return {**opened, **{key: bodies[key] for key in _BODIES if key in bodies}}

"""Keyed hashes that stand in for a phone number or an email address.

An audit entry, an opt-out record or a bounce mark must recognise the same
number or address again without storing it: HMAC-SHA256 under the app's
secret key gives the same value for the same input, and nothing that can be
turned back into the number without the key. Pure: the caller passes the key.
"""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "hmac:"
_DIGEST_CHARS = 40  # 160 bits: no collisions among any company's numbers


def keyed_hash(value: str, *, key: str, purpose: str) -> str:
    """``hmac:<hex>`` of ``value`` for ``purpose`` ("phone", "email").

    The purpose is mixed in so a phone's hash never equals an email's. The
    caller normalizes ``value`` first (E.164, lower-cased address).

    Raises:
        ValueError: no key, or nothing to hash.
    """
    if not key:
        raise ValueError("a keyed hash needs the secret key")
    if not value:
        raise ValueError("nothing to hash")
    digest = hmac.new(key.encode(), f"{purpose}\x00{value}".encode(), hashlib.sha256)
    return PREFIX + digest.hexdigest()[:_DIGEST_CHARS]


def is_keyed_hash(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)

"""Password hashing with bcrypt (cost from settings, at least 12)."""

from __future__ import annotations

import bcrypt

from iprodash.settings import get_settings

_MAX_BYTES = 72
# A real hash checked when the email is unknown, so timing does not tell.
_DUMMY_HASH = bcrypt.hashpw(b"not-a-real-password", bcrypt.gensalt(rounds=12))


def hash_password(password: str) -> str:
    """bcrypt hash of an already validated password."""
    rounds = get_settings().bcrypt_rounds
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=rounds)).decode()


def check_password(password: str, password_hash: str | None) -> bool:
    """True when ``password`` matches; over-long passwords simply fail."""
    data = (password or "").encode()
    if len(data) > _MAX_BYTES or not password_hash:
        bcrypt.checkpw(b"x", _DUMMY_HASH)
        return False
    return bcrypt.checkpw(data, password_hash.encode())

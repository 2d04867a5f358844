"""Sealing backup files with ``IPRODASH_BACKUP_KEY`` (PyNaCl SecretBox).

A sealed file is ``MAGIC`` followed by frames: a 4-byte length, then a
SecretBox message (XSalsa20-Poly1305, random nonce) whose plaintext starts
with the frame's number and a last-frame flag. Reading checks every frame's
tag, that the numbers run 0, 1, 2... and that the last frame is there, so a
damaged, reordered, cut or extended file is refused. Files are written 0600.
The key comes from the settings only and is never written beside a backup.
"""

from __future__ import annotations

import hashlib
import os
import struct
from pathlib import Path
from typing import BinaryIO

from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from iprodash.domain.errors import ValidationError
from iprodash.settings import get_settings

MAGIC = b"IPRODASH-SEALED-BACKUP/1\n"
FRAME_BYTES = 1024 * 1024
_HEADER = struct.Struct(">QB")  # frame number, last-frame flag
_LENGTH = struct.Struct(">I")
MIN_KEY_CHARS = 32


def backup_box() -> SecretBox:
    """The SecretBox of ``IPRODASH_BACKUP_KEY``.

    Raises:
        ValidationError: the key is unset, too short, or the app's secret key.
    """
    settings = get_settings()
    key = settings.backup_key
    if not key:
        raise ValidationError("Backups are encrypted: set IPRODASH_BACKUP_KEY to a random "
                              f"text of at least {MIN_KEY_CHARS} characters (for example "
                              "`python -m iprodash.cli new-backup-key`) and keep it apart "
                              "from the backups.")
    if len(key) < MIN_KEY_CHARS:
        raise ValidationError(f"IPRODASH_BACKUP_KEY must be at least {MIN_KEY_CHARS} "
                              "characters long.")
    if key == settings.secret_key:
        raise ValidationError("IPRODASH_BACKUP_KEY must differ from IPRODASH_SECRET_KEY.")
    digest = hashlib.blake2b(key.encode(), digest_size=SecretBox.KEY_SIZE,
                             person=b"iprodash-backup").digest()
    return SecretBox(digest)


def seal_file(source: Path, target: Path, box: SecretBox | None = None) -> None:
    """Encrypt ``source`` into a new 0600 file ``target``."""
    box = box or backup_box()
    size = source.stat().st_size
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out, source.open("rb") as plain:
        out.write(MAGIC)
        number, done = 0, 0
        while True:
            chunk = plain.read(FRAME_BYTES)
            done += len(chunk)
            last = done >= size
            sealed = box.encrypt(_HEADER.pack(number, int(last)) + chunk)
            out.write(_LENGTH.pack(len(sealed)) + sealed)
            number += 1
            if last:
                break
        out.flush()
        os.fsync(out.fileno())


def _read_exact(stream: BinaryIO, count: int) -> bytes:
    data = stream.read(count)
    if len(data) != count:
        raise ValidationError("The backup file is cut short.")
    return data


def open_sealed(source: Path, target: Path, box: SecretBox | None = None) -> None:
    """Decrypt ``source`` into a new 0600 file ``target``.

    Raises:
        ValidationError: not a sealed backup, the wrong key, or a damaged file.
    """
    box = box or backup_box()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out, source.open("rb") as sealed:
        if sealed.read(len(MAGIC)) != MAGIC:
            raise ValidationError(f"{source.name} is not an encrypted iProDash backup.")
        number = 0
        while True:
            (length,) = _LENGTH.unpack(_read_exact(sealed, _LENGTH.size))
            try:
                plain = box.decrypt(_read_exact(sealed, length))
            except CryptoError as exc:
                raise ValidationError(f"{source.name} cannot be opened with this "
                                      "IPRODASH_BACKUP_KEY, or it is damaged.") from exc
            found, last = _HEADER.unpack(plain[:_HEADER.size])
            if found != number:
                raise ValidationError(f"{source.name} is damaged (its parts are out of order).")
            out.write(plain[_HEADER.size:])
            number += 1
            if last:
                break
        if sealed.read(1):
            raise ValidationError(f"{source.name} has data after its end.")

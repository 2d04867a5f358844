"""The erasure ledger: every erasure and purge, so a restored backup forgets again.

Each erasure of a client or a phone number, each company purge and each
drop of a deleted company's record appends one entry holding only its kind,
the company id, the record id and keyed hashes (never a name, number or
address). The entry goes to the ``erasure_ledger`` collection and to an
append-only file, ``IPRODASH_ERASURE_LEDGER`` (default: beside the backups),
because the database a backup is restored into starts empty: restoring
replays every entry recorded after the backup was taken
(:func:`replay_since`), so a restored backup never brings an erased person
back. The entry is written before the erasure runs: an erasure that fails
half way is finished by the replay, and replaying one that is done changes
nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from bson import ObjectId
from pymongo.database import Database

from iprodash.domain.errors import ValidationError
from iprodash.repositories.base import to_object_id, utcnow
from iprodash.services.pseudonyms import email_pseudonym, phone_pseudonym
from iprodash.settings import get_settings

COLLECTION = "erasure_ledger"
CLIENT, PHONE, COMPANY_PURGED, COMPANY_RECORD_DROPPED = (
    "client", "phone", "company_purged", "company_record_dropped")


def _ledger_file() -> Path:
    return get_settings().erasure_ledger_file


def _append_line(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def record_erasure(db: Database, *, kind: str, company_id: Any, record_id: Any = None,
                   phone: str = "", email: str = "") -> dict[str, Any]:
    """Append one ledger entry (ids and keyed hashes only) before erasing.

    Returns:
        The entry as stored.
    """
    if kind not in REPLAYERS:
        raise ValueError(f"unknown erasure kind {kind!r}")
    entry = {"_id": ObjectId(), "kind": kind, "company_id": to_object_id(company_id, "company"),
             "record_id": str(record_id) if record_id is not None else None,
             "phone": phone_pseudonym(phone) if phone else None,
             "email": email_pseudonym(email) if email else None, "at": utcnow()}
    db[COLLECTION].insert_one(entry)
    _append_line(_ledger_file(), json.dumps(_as_json(entry), sort_keys=True))
    return entry


def _as_json(entry: dict) -> dict[str, Any]:
    return {**entry, "_id": str(entry["_id"]), "company_id": str(entry["company_id"]),
            "at": entry["at"].isoformat()}


def _from_json(line: str) -> dict[str, Any]:
    entry = json.loads(line)
    return {**entry, "_id": ObjectId(entry["_id"]), "company_id": ObjectId(entry["company_id"]),
            "at": datetime.fromisoformat(entry["at"])}


def read_ledger(path: Path | None = None) -> list[dict[str, Any]]:
    """Every entry of the ledger file, oldest first (none when there is no file yet).

    Raises:
        ValidationError: a line of the file cannot be read.
    """
    path = path or _ledger_file()
    if not path.exists():
        return []
    entries = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entries.append(_from_json(line))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValidationError(f"Line {number} of the erasure ledger {path} is damaged; "
                                  "a restore cannot prove it re-applies every erasure.") from exc
    return sorted(entries, key=lambda e: e["at"])


def entries_after(entries: Iterable[dict], since: datetime) -> list[dict[str, Any]]:
    """The entries recorded at or after ``since`` (the backup's start)."""
    return [e for e in entries if e["at"] >= since]


def check_replayable(entries: Iterable[dict]) -> None:
    """Refuse a ledger with a kind this version cannot re-apply (before anything is loaded)."""
    _load_replayers()
    unknown = sorted({e["kind"] for e in entries} - set(REPLAYERS))
    if unknown:
        raise ValidationError("The erasure ledger holds erasures this version cannot "
                              f"re-apply ({', '.join(unknown)}); restore with the version "
                              "that wrote them.")


def replay(db: Database, entries: Iterable[dict]) -> dict[str, int]:
    """Re-apply ``entries`` to a restored database; returns how many of each kind ran."""
    _load_replayers()
    counts: dict[str, int] = {}
    for entry in entries:
        REPLAYERS[entry["kind"]](db, entry)
        if entry.get("_id") is not None:  # the restored ledger names it too
            db[COLLECTION].replace_one({"_id": entry["_id"]}, entry, upsert=True)
        counts[entry["kind"]] = counts.get(entry["kind"], 0) + 1
    return counts


def _replay_client(db: Database, entry: dict) -> None:
    from iprodash.services.privacy_client_erasure import erase_client_records

    client = db["clients"].find_one({"_id": to_object_id(entry["record_id"], "client"),
                                     "company_id": entry["company_id"]})
    if client is not None:
        erase_client_records(db, company_id=entry["company_id"], client=client, actor=None)


def _plain_numbers(db: Database, company_id: ObjectId) -> set[str]:
    """Every plain number a company's consent, inbound and outbound texts hold."""
    found: set[str] = set()
    for name, key in (("sms_consents", "phone"), ("sms_inbound", "phone"), ("outbox", "to")):
        found.update(v for v in db[name].distinct(key, {"company_id": company_id})
                     if isinstance(v, str) and v.startswith("+"))
    return found


def _replay_phone(db: Database, entry: dict) -> None:
    from iprodash.services.privacy_client_erasure import erase_number_records

    for phone in _plain_numbers(db, entry["company_id"]):
        if phone_pseudonym(phone) == entry["phone"]:
            erase_number_records(db, company_id=entry["company_id"], phone=phone, actor=None)


def _replay_purge(db: Database, entry: dict) -> None:
    from iprodash.services.privacy_deletion import purge_company

    purge_company(db, company_id=entry["company_id"], ledger=False)


def _replay_record_drop(db: Database, entry: dict) -> None:
    from iprodash.services.privacy_deletion import forget_company_record

    if db["companies"].find_one({"_id": entry["company_id"]}) is not None:
        forget_company_record(db, company_id=entry["company_id"], ledger=False)


REPLAYERS: dict[str, Callable[[Database, dict], None]] = {
    CLIENT: _replay_client, PHONE: _replay_phone, COMPANY_PURGED: _replay_purge,
    COMPANY_RECORD_DROPPED: _replay_record_drop,
}


def _load_replayers() -> None:
    """Import the services that register their own kinds (a person's deletion)."""
    import iprodash.services.people_deletion  # noqa: F401 - registers its replayers


def register_replayer(kind: str, replayer: Callable[[Database, dict], None]) -> None:
    """Let another erasure (a person's deletion) be recorded and re-applied on restore."""
    REPLAYERS[kind] = replayer

"""Backups: a consistent, compressed snapshot of the whole database.

A backup is one ``iprodash-backup-<UTC time>.tar`` holding ``manifest.json``
and one gzip'd file of raw BSON documents per collection (GridFS buckets are
the ``<bucket>.files`` and ``<bucket>.chunks`` collections, so every stored
file is included byte for byte). Documents are streamed one at a time, read
in ``_id`` order, and each collection's SHA-256 is taken over exactly the
bytes written, so a restore can prove it reproduced the database by
computing the same manifest again.

The tar is sealed with ``IPRODASH_BACKUP_KEY`` (``services/backup_seal.py``)
into ``iprodash-backup-<UTC time>.tar.sealed``, written 0600; the key lives
in the settings, never beside the backups. Restoring re-applies every
erasure and purge the erasure ledger recorded after the backup was taken
(``services/erasure_ledger.py``), so a restore never brings an erased
person back.

Consistency: on real MongoDB the reads share one snapshot session; the
embedded server ignores snapshot sessions but isolates a transaction, so
there the reads run inside one read-only snapshot transaction.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bson import decode_file_iter, json_util
from bson.codec_options import CodecOptions
from bson.errors import InvalidBSON
from bson.raw_bson import RawBSONDocument
from pymongo import IndexModel
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.read_concern import ReadConcern

from iprodash.domain.errors import Conflict, ValidationError
from iprodash.repositories.base import utcnow
from iprodash.services import erasure_ledger
from iprodash.services.backup_seal import MAGIC, backup_box, open_sealed, seal_file

FORMAT = "iprodash-backup/1"
PREFIX = "iprodash-backup-"
SUFFIX = ".tar.sealed"
_RAW = CodecOptions(document_class=RawBSONDocument, tz_aware=True)
_INSERT_BATCH_BYTES = 4 * 1024 * 1024


def user_collections(db: Database) -> list[str]:
    """Every collection except MongoDB's own ``system.*`` ones, sorted."""
    return sorted(n for n in db.list_collection_names() if not n.startswith("system."))


def _is_embedded(db: Database) -> bool:
    return "secantusVersion" in db.client.admin.command("buildInfo")


@contextmanager
def _snapshot(db: Database) -> Iterator[tuple[ClientSession, str]]:
    with db.client.start_session(snapshot=not _is_embedded(db)) as session:
        if session.options.snapshot:
            yield session, "snapshot-session"
            return
        with session.start_transaction(read_concern=ReadConcern("snapshot")):
            yield session, "snapshot-transaction"


def _index_specs(db: Database, name: str) -> list[dict[str, Any]]:
    specs = []
    for index in db[name].list_indexes():
        spec = {k: v for k, v in dict(index).items() if k not in ("v", "ns")}
        if spec.get("name") != "_id_":
            spec["key"] = [[field, direction] for field, direction in dict(spec["key"]).items()]
            specs.append(spec)
    return sorted(specs, key=lambda s: s["name"])


def _raw_documents(db: Database, name: str, session: ClientSession | None = None):
    collection = db.get_collection(name, codec_options=_RAW)
    return collection.find({}, session=session, batch_size=500).sort("_id", 1)


def _gridfs_summary(counts: dict[str, dict]) -> dict[str, dict[str, int]]:
    return {name[: -len(".files")]: {"files": info["count"]}
            for name, info in counts.items() if name.endswith(".files")}


def database_manifest(db: Database) -> dict[str, Any]:
    """Counts, SHA-256 and indexes of every collection as it is now."""
    collections: dict[str, dict] = {}
    for name in user_collections(db):
        digest, count = hashlib.sha256(), 0
        for doc in _raw_documents(db, name):
            digest.update(doc.raw)
            count += 1
        collections[name] = {"count": count, "sha256": digest.hexdigest(),
                             "indexes": _index_specs(db, name)}
    return {"collections": collections, "gridfs": _gridfs_summary(collections)}


def same_content(left: dict[str, Any], right: dict[str, Any]) -> bool:
    """True when two manifests describe identical data, files and indexes.

    Collections without documents or indexes are left out: an empty
    collection and a missing one hold the same data.
    """
    def content(manifest: dict) -> str:
        kept = {name: info for name, info in manifest["collections"].items()
                if info["count"] or info["indexes"]}
        return json_util.dumps(kept, sort_keys=True)
    return content(left) == content(right)


def create_backup(db: Database, *, out_dir: Path, keep: int | None = None) -> tuple[Path, dict]:
    """Write one sealed backup file into ``out_dir`` and keep the newest ``keep``.

    Returns:
        The backup's path and its manifest.

    Raises:
        ValidationError: ``IPRODASH_BACKUP_KEY`` is missing or unfit (nothing is written).
    """
    box = backup_box()
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    started = utcnow()
    stamp = started.strftime("%Y%m%dT%H%M%S%fZ")
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out_dir))
    try:
        names = user_collections(db)
        collections: dict[str, dict] = {}
        with _snapshot(db) as (session, consistency):
            for name in names:
                collections[name] = _dump_collection(db, name, session, staging)
        for name in names:
            collections[name]["indexes"] = _index_specs(db, name)
        manifest = {"format": FORMAT, "database": db.name, "created_at": started.isoformat(),
                    "consistency": consistency, "collections": collections,
                    "gridfs": _gridfs_summary(collections)}
        (staging / "manifest.json").write_text(json_util.dumps(manifest, indent=1))
        plain = staging / "backup.tar"
        with tarfile.open(plain, "w") as archive:
            archive.add(staging / "manifest.json", arcname="manifest.json")
            for name in names:
                archive.add(staging / f"{name}.bson.gz", arcname=f"collections/{name}.bson.gz")
        target = out_dir / f"{PREFIX}{stamp}{SUFFIX}"
        partial = out_dir / f"{target.name}.partial"
        seal_file(plain, partial, box)
        os.replace(partial, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if keep:
        rotate_backups(out_dir, keep=keep)
    return target, manifest


def _dump_collection(db: Database, name: str, session: ClientSession, staging: Path) -> dict:
    digest, count = hashlib.sha256(), 0
    with gzip.open(staging / f"{name}.bson.gz", "wb", compresslevel=6) as out:
        for doc in _raw_documents(db, name, session):
            out.write(doc.raw)
            digest.update(doc.raw)
            count += 1
    return {"count": count, "sha256": digest.hexdigest()}


def list_backups(out_dir: Path) -> list[Path]:
    """Finished backups in ``out_dir``, oldest first (plain ``.tar`` ones written
    before backups were sealed included, so rotation deletes them too)."""
    if not out_dir.exists():
        return []
    found = [*out_dir.glob(f"{PREFIX}*{SUFFIX}"), *out_dir.glob(f"{PREFIX}*.tar")]
    return sorted((p for p in found if p.is_file()), key=lambda p: p.name)


def rotate_backups(out_dir: Path, *, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups; returns the deleted paths."""
    backups = list_backups(out_dir)
    doomed = backups[: max(len(backups) - max(keep, 1), 0)]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


@contextmanager
def opened_backup(path: Path) -> Iterator[Path]:
    """The backup's tar, decrypted into a private temporary directory while in use.

    A plain tar written before backups were sealed is read as it is.
    """
    path = Path(path)
    try:
        with path.open("rb") as head:
            sealed = head.read(len(MAGIC)) == MAGIC
    except OSError as exc:
        raise ValidationError(f"{path} cannot be read: {exc.strerror}.") from exc
    if not sealed:
        yield path
        return
    private = Path(tempfile.mkdtemp(prefix="iprodash-restore-"))
    try:
        plain = private / "backup.tar"
        open_sealed(path, plain)
        yield plain
    finally:
        shutil.rmtree(private, ignore_errors=True)


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest stored in a backup file."""
    with opened_backup(path) as plain:
        return _read_manifest(plain, shown=path)


def _read_manifest(plain: Path, *, shown: Path) -> dict[str, Any]:
    try:
        with tarfile.open(plain, "r:") as archive:
            member = archive.extractfile("manifest.json")
            manifest = json_util.loads(member.read())
    except (OSError, KeyError, tarfile.TarError, json.JSONDecodeError) as exc:
        raise ValidationError(f"{shown} is not an iProDash backup.") from exc
    if manifest.get("format") != FORMAT:
        raise ValidationError(f"{shown} has an unknown backup format.")
    return manifest


def _refuse_non_empty(db: Database) -> None:
    filled = [n for n in user_collections(db) if db[n].find_one({}, projection={"_id": 1})]
    if filled:
        raise Conflict(f"Restore needs an empty database; {db.name} already holds data in "
                       f"{', '.join(filled[:5])}. Point MONGODB_DB at a new database.")


def _backup_started(manifest: dict) -> datetime:
    started = datetime.fromisoformat(manifest["created_at"])
    return started if started.tzinfo else started.replace(tzinfo=timezone.utc)


def restore_backup(db: Database, *, path: Path,
                   ledger: list[dict] | None = None) -> dict[str, Any]:
    """Load a backup into an empty database, prove the copy exact, then re-apply
    every erasure and purge recorded after the backup was taken.

    Args:
        ledger: the erasure ledger's entries (default: the ledger file).

    Returns:
        The backup's manifest with ``erasures_replayed`` (count per kind).

    Raises:
        Conflict: the database already holds documents.
        ValidationError: the file is damaged, the key is wrong, the restored data
            differs, or the ledger cannot be read or re-applied.
    """
    entries = erasure_ledger.read_ledger() if ledger is None else ledger
    erasure_ledger.check_replayable(entries)
    with opened_backup(path) as plain:
        manifest = _verify(plain, shown=path)
        _refuse_non_empty(db)
        for name, stream in _collection_streams(plain, manifest):
            _load_collection(db, name, stream, manifest["collections"][name]["indexes"])
    restored = database_manifest(db)
    if not same_content(restored, manifest):
        raise ValidationError("The restored database differs from the backup's manifest.")
    due = erasure_ledger.entries_after(entries, _backup_started(manifest))
    return {**manifest, "erasures_replayed": erasure_ledger.replay(db, due)}


def _load_collection(db: Database, name: str, stream: Any, indexes: list[dict]) -> None:
    collection = db.get_collection(name, codec_options=_RAW)
    batch, size = [], 0
    for doc in decode_file_iter(stream, _RAW):
        batch.append(doc)
        size += len(doc.raw)
        if size >= _INSERT_BATCH_BYTES or len(batch) >= 1000:
            collection.insert_many(batch, ordered=True)
            batch, size = [], 0
    if batch:
        collection.insert_many(batch, ordered=True)
    for spec in indexes:
        options = {k: v for k, v in spec.items() if k != "key"}
        keys = [(field, direction) for field, direction in spec["key"]]
        collection.create_indexes([IndexModel(keys, **options)])


def _collection_streams(plain: Path, manifest: dict) -> Iterator[tuple[str, Any]]:
    """Each collection's name and a stream of its raw BSON, in manifest order."""
    with tarfile.open(plain, "r:") as archive:
        for name in manifest["collections"]:
            member = archive.extractfile(f"collections/{name}.bson.gz")
            if member is None:
                raise ValidationError(f"The backup has no data for {name}.")
            with gzip.GzipFile(fileobj=member) as stream:
                yield name, stream


def verify_backup(path: Path) -> dict[str, Any]:
    """Re-read every collection of a backup and check counts and checksums.

    Returns:
        The manifest, once every collection matched it.
    """
    with opened_backup(path) as plain:
        return _verify(plain, shown=path)


def _verify(plain: Path, *, shown: Path) -> dict[str, Any]:
    manifest = _read_manifest(plain, shown=shown)
    try:
        for name, stream in _collection_streams(plain, manifest):
            digest, count = hashlib.sha256(), 0
            for doc in decode_file_iter(stream, _RAW):
                digest.update(doc.raw)
                count += 1
            info = manifest["collections"][name]
            if (count, digest.hexdigest()) != (info["count"], info["sha256"]):
                raise ValidationError(f"The backup's copy of {name} is damaged "
                                      "(checksum mismatch).")
    except (OSError, EOFError, KeyError, InvalidBSON, tarfile.TarError) as exc:
        raise ValidationError(f"{shown} is damaged: {exc}") from exc
    return manifest

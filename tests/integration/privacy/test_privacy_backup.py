"""Backup -> restore into an empty database -> identical manifests; backups are
sealed with IPRODASH_BACKUP_KEY and written 0600."""

from __future__ import annotations

import gzip
import io
import tarfile
from datetime import datetime, timezone
from decimal import Decimal

import gridfs
import pytest
from bson import Binary, Decimal128

from iprodash import cli
from iprodash import db as db_module
from iprodash.domain.errors import Conflict, ValidationError
from iprodash.services import backup, company_settings
from iprodash.settings import get_settings
from tests.factories import admin_of, make_company


@pytest.fixture
def empty_db(db):
    """A second, empty database on the same server."""
    name = f"{db.name}_restore"
    yield db.client[name]
    db.client.drop_database(name)


def _fill(db) -> bytes:
    company = make_company(db)
    admin = admin_of(db, company)
    company_settings.update_company_settings(
        db, actor=admin, name="Renamed Co", phone="312-555-0100", admin_email="a@b.test",
        timezone="America/Chicago", card_fee_percent="3.25")
    db["odd_types"].insert_many([
        {"_id": "text-id", "when": datetime(2024, 2, 29, 12, 30, tzinfo=timezone.utc),
         "money": Decimal128(Decimal("12.34")), "blob": Binary(b"\x00\x01\x02"),
         "nested": {"list": [1, {"deep": None}], "float": 1.5}},
        {"_id": 7, "order": {"z": 1, "a": 2}},
    ])
    payload = bytes(range(256)) * 2000  # 512 KB: several GridFS chunks
    gridfs.GridFSBucket(db, bucket_name="files").upload_from_stream(
        "photo.jpg", payload, metadata={"company_id": company["_id"]})
    return payload


def test_backup_then_restore_reproduces_everything(db, empty_db, tmp_path):
    payload = _fill(db)
    path, manifest = backup.create_backup(db, out_dir=tmp_path)
    assert path.name.startswith("iprodash-backup-") and path.name.endswith(".tar.sealed")
    assert manifest["collections"]["audit_log"]["count"] == 1
    assert manifest["gridfs"]["files"] == {"files": 1}
    assert manifest["consistency"].startswith("snapshot")
    with backup.opened_backup(path) as plain, tarfile.open(plain) as archive:
        member = archive.extractfile("collections/odd_types.bson.gz")  # gzip'd inside
        assert gzip.decompress(member.read())

    restored = backup.restore_backup(empty_db, path=path)
    assert {k: v for k, v in restored.items() if k != "erasures_replayed"} == manifest
    assert restored["erasures_replayed"] == {}
    assert backup.same_content(backup.database_manifest(empty_db), backup.database_manifest(db))
    stored = gridfs.GridFSBucket(empty_db, bucket_name="files").open_download_stream_by_name(
        "photo.jpg").read()
    assert stored == payload
    odd = empty_db["odd_types"].find_one({"_id": "text-id"})
    assert odd["money"] == Decimal128(Decimal("12.34")) and odd["blob"] == b"\x00\x01\x02"
    assert list(empty_db["odd_types"].find_one({"_id": 7})["order"]) == ["z", "a"]
    audit_indexes = {ix["name"] for ix in empty_db["audit_log"].list_indexes()}
    assert audit_indexes == {ix["name"] for ix in db["audit_log"].list_indexes()}


def test_manifest_notices_a_changed_document(db, empty_db, tmp_path):
    _fill(db)
    path, manifest = backup.create_backup(db, out_dir=tmp_path)
    backup.restore_backup(empty_db, path=path)
    empty_db["odd_types"].update_one({"_id": 7}, {"$set": {"order.a": 3}})
    assert not backup.same_content(backup.database_manifest(empty_db), manifest)


def test_restore_refuses_a_database_with_data(db, tmp_path):
    _fill(db)
    path, _ = backup.create_backup(db, out_dir=tmp_path)
    before = db["odd_types"].count_documents({})
    with pytest.raises(Conflict, match="empty database"):
        backup.restore_backup(db, path=path)
    assert db["odd_types"].count_documents({}) == before


def test_a_damaged_backup_is_refused_before_anything_is_written(db, empty_db, tmp_path):
    _fill(db)
    path, _ = backup.create_backup(db, out_dir=tmp_path)
    damaged = tmp_path / "damaged.tar"
    with backup.opened_backup(path) as plain, tarfile.open(plain) as source, \
            tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "collections/odd_types.bson.gz":
                raw = bytearray(gzip.decompress(data))
                raw[-3] ^= 0xFF
                data = gzip.compress(bytes(raw))
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    with pytest.raises(ValidationError, match="odd_types|damaged"):
        backup.restore_backup(empty_db, path=damaged)
    assert backup.user_collections(empty_db) == []


def test_rotation_keeps_the_newest_copies(db, tmp_path):
    _fill(db)
    legacy = tmp_path / "iprodash-backup-20200101T000000000000Z.tar"  # written before sealing
    legacy.write_bytes(b"plain")
    made = [backup.create_backup(db, out_dir=tmp_path, keep=2)[0] for _ in range(3)]
    assert backup.list_backups(tmp_path) == made[1:]
    assert not legacy.exists()
    assert not list(tmp_path.glob(".staging-*"))


def test_nightly_task_runs_once_in_the_backup_hour(db, tmp_path, monkeypatch):
    from iprodash.jobs.backup import nightly_backup

    monkeypatch.setenv("IPRODASH_BACKUP_DIR", str(tmp_path))
    monkeypatch.setenv("IPRODASH_BACKUP_HOUR_UTC", "3")
    get_settings.cache_clear()
    _fill(db)
    night = datetime(2026, 1, 5, 3, 10, tzinfo=timezone.utc)
    assert nightly_backup(db, now=night.replace(hour=14))["backups_written"] == 0
    assert nightly_backup(db, now=night)["backups_written"] == 1
    assert nightly_backup(db, now=night)["backups_written"] == 0  # already done tonight
    assert len(backup.list_backups(tmp_path)) == 1


def test_cli_backup_and_restore(db, empty_db, tmp_path, monkeypatch, capsys):
    _fill(db)
    assert cli.main(["backup", "--out", str(tmp_path)]) == 0
    assert "Backup written" in capsys.readouterr().out
    [path] = backup.list_backups(tmp_path)
    monkeypatch.setenv("MONGODB_DB", empty_db.name)
    monkeypatch.setenv("IPRODASH_ERASURE_LEDGER", str(tmp_path / "no-erasures-yet.jsonl"))
    get_settings.cache_clear()
    db_module.get_client.cache_clear()
    assert cli.main(["restore", "--from", str(path)]) == 0
    assert "matches the backup" in capsys.readouterr().out
    assert cli.main(["restore", "--from", str(path)]) == 1  # no longer empty
    assert "empty database" in capsys.readouterr().err
    assert backup.same_content(backup.database_manifest(empty_db), backup.read_manifest(path))


def test_cli_audit_verify_reports_a_tampered_chain(db, capsys):
    company = make_company(db)
    admin = admin_of(db, company)
    for n in range(3):
        company_settings.update_company_settings(
            db, actor=admin, name=f"Name {n}", phone="312-555-0100", admin_email="a@b.test",
            timezone="America/Chicago", card_fee_percent="3")
    assert cli.main(["audit", "verify"]) == 0
    assert "0 broken" in capsys.readouterr().out
    db["audit_log"].update_one({"company_id": company["_id"], "seq": 2},
                               {"$set": {"after.name": "Forged"}})
    assert cli.main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"BROKEN {company['_id']}: entry 2 was altered" in out

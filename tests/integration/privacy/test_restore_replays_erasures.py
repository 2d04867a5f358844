"""Backups are sealed with IPRODASH_BACKUP_KEY and written 0600; restoring one
re-applies every erasure and purge recorded after it (the erasure ledger), so a
restored backup never brings an erased person back. Data made through the
services (tests/integration/privacy/people.py)."""

from __future__ import annotations

import stat

import pytest

from iprodash.domain.errors import ValidationError
from iprodash.services import backup
from iprodash.services.erasure_ledger import read_ledger
from iprodash.services.privacy_client_erasure import erase_client, erase_phone_number
from iprodash.services.privacy_deletion import purge_company
from iprodash.settings import get_settings
from tests.factories import sms_opted_in
from tests.integration.privacy.people import (give_the_full_story, kasimir, open_shop,
                                              render_pdfs_in_process, text_from, traces, zelda)

SHOP_NUMBER = "+12125550100"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    render_pdfs_in_process(monkeypatch)
    monkeypatch.setenv("IPRODASH_ERASURE_LEDGER", str(tmp_path / "ledger" / "erasures.jsonl"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def empty_db(db):
    name = f"{db.name}_restore"
    yield db.client[name]
    db.client.drop_database(name)


def test_restoring_a_backup_from_before_an_erasure_erases_the_client_again(
        db, empty_db, tmp_path):
    shop = open_shop(db, "Acme Locks", SHOP_NUMBER)
    person = give_the_full_story(db, shop, zelda())
    kept = give_the_full_story(db, shop, kasimir(), stop=False)
    path, _ = backup.create_backup(db, out_dir=tmp_path / "backups")

    erase_client(db, actor=shop.admin, client_id=str(person.client_id))

    ledger_file = get_settings().erasure_ledger_file
    assert stat.S_IMODE(ledger_file.stat().st_mode) == 0o600
    ledger_text = ledger_file.read_text().lower()
    assert str(person.client_id) in ledger_text
    for needle in person.needles():  # ids and keyed hashes only
        assert needle.lower() not in ledger_text
    # The backup itself still holds her: without the ledger she would come back.
    with backup.opened_backup(path) as plain:
        assert person.email.encode() not in path.read_bytes()  # sealed on disk
        assert plain.stat().st_size > 0

    restored = backup.restore_backup(empty_db, path=path)

    assert restored["erasures_replayed"] == {"client": 1}
    assert traces(empty_db, person.needles()) == {n: [] for n in person.needles()}
    assert all(traces(empty_db, [kept.name, kept.phone, kept.street]).values())
    assert empty_db["erasure_ledger"].count_documents({"kind": "client"}) == 1
    erased_jobs = list(empty_db["jobs"].find({"_id": {"$in": person.job_ids}}))
    assert {j["client"]["name"] for j in erased_jobs} == {"Erased client"}


def test_a_restore_without_the_ledger_would_bring_the_client_back(db, empty_db, tmp_path):
    """The replay is what keeps the promise: the same restore with an empty
    ledger finds her (so the test above can fail)."""
    shop = open_shop(db, "Acme Locks", SHOP_NUMBER)
    person = give_the_full_story(db, shop, zelda(), stop=False)
    path, _ = backup.create_backup(db, out_dir=tmp_path / "backups")
    erase_client(db, actor=shop.admin, client_id=str(person.client_id))
    restored = backup.restore_backup(empty_db, path=path, ledger=[])
    assert restored["erasures_replayed"] == {}
    assert traces(empty_db, [person.name])[person.name]


def test_restoring_re_erases_a_number_and_re_purges_a_company(db, empty_db, tmp_path):
    shop = open_shop(db, "Acme Locks", SHOP_NUMBER)
    gone = open_shop(db, "Gone Garage", "+13125550100")
    stranger = "+12125550163"
    sms_opted_in(db, shop.company, "(212) 555-0163", ip="192.0.2.77")
    text_from(db, shop, stranger, "What are your hours?")
    gone_person = give_the_full_story(db, gone, kasimir(), stop=False)
    path, _ = backup.create_backup(db, out_dir=tmp_path / "backups")

    erase_phone_number(db, actor=shop.admin, phone=stranger)
    purge_company(db, company_id=gone.company_id)
    assert [e["kind"] for e in read_ledger()] == ["phone", "company_purged"]

    restored = backup.restore_backup(empty_db, path=path)

    assert restored["erasures_replayed"] == {"phone": 1, "company_purged": 1}
    needles = [stranger, stranger[2:], "192.0.2.77", *gone_person.needles()]
    assert traces(empty_db, needles) == {n: [] for n in needles}
    assert empty_db["companies"].find_one({"_id": gone.company_id})["status"] == "deleted"
    assert empty_db["companies"].find_one({"_id": shop.company_id})["status"] != "deleted"


def test_a_backup_is_sealed_0600_and_needs_its_key(db, empty_db, tmp_path, monkeypatch):
    shop = open_shop(db, "Acme Locks", SHOP_NUMBER)
    path, _ = backup.create_backup(db, out_dir=tmp_path / "backups")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    raw = path.read_bytes()
    assert shop.company["name"].encode() not in raw and b"manifest.json" not in raw

    monkeypatch.setenv("IPRODASH_BACKUP_KEY", "another-key-that-is-long-enough-000000000")
    get_settings.cache_clear()
    with pytest.raises(ValidationError, match="cannot be opened with this"):
        backup.restore_backup(empty_db, path=path, ledger=[])
    assert backup.user_collections(empty_db) == []

    monkeypatch.setenv("IPRODASH_BACKUP_KEY", "")
    get_settings.cache_clear()
    with pytest.raises(ValidationError, match="set IPRODASH_BACKUP_KEY"):
        backup.create_backup(db, out_dir=tmp_path / "unkeyed")
    assert not list((tmp_path / "unkeyed").glob("*")) if (tmp_path / "unkeyed").exists() \
        else True
    monkeypatch.setenv("IPRODASH_BACKUP_KEY", get_settings().secret_key)
    get_settings.cache_clear()
    with pytest.raises(ValidationError, match="must differ"):
        backup.create_backup(db, out_dir=tmp_path / "unkeyed")


def test_a_cut_or_altered_backup_is_refused(db, empty_db, tmp_path):
    open_shop(db, "Acme Locks", SHOP_NUMBER)
    path, _ = backup.create_backup(db, out_dir=tmp_path / "backups")
    raw = path.read_bytes()
    cut, flipped = tmp_path / "cut.sealed", tmp_path / "flipped.sealed"
    cut.write_bytes(raw[:-20])
    changed = bytearray(raw)
    changed[len(raw) // 2] ^= 0x01
    flipped.write_bytes(bytes(changed))
    for damaged in (cut, flipped):
        with pytest.raises(ValidationError):
            backup.restore_backup(empty_db, path=damaged, ledger=[])
        assert backup.user_collections(empty_db) == []


def test_restoring_deletes_again_a_technician_deleted_after_the_backup(db, empty_db, tmp_path):
    """Person deletions are in the ledger too: a restored backup never brings one back."""
    from iprodash.services.people_deletion import delete_technician

    shop = open_shop(db, "Acme Locks", SHOP_NUMBER, tech_name="Tobias Wrenfield",
                     tech_phone="(212) 555-0177", tech_ip="198.51.100.77")
    path, _ = backup.create_backup(db, out_dir=tmp_path / "backups")
    label = delete_technician(db, actor=shop.admin, technician_id=shop.technician_id)
    assert [e["kind"] for e in read_ledger()] == ["technician_deleted"]

    restored = backup.restore_backup(empty_db, path=path)

    assert restored["erasures_replayed"] == {"technician_deleted": 1}
    needles = ["Tobias Wrenfield", "+12125550177"]
    assert traces(empty_db, needles) == {n: [] for n in needles}
    assert label.startswith("Former technician")
    assert empty_db["technicians"].count_documents({"name": label}) == 1  # the books keep it

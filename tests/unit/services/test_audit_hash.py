"""The audit entry hash covers every field and the previous hash."""

from datetime import datetime, timezone

from bson import ObjectId

from iprodash.repositories.audit import entry_hash


def _entry(**overrides):
    entry = {"company_id": ObjectId("64b7f0000000000000000001"), "seq": 1, "prev_hash": "0" * 64,
             "action": "user.approved", "after": {"status": "active"},
             "created_at": datetime(2026, 1, 1, tzinfo=timezone.utc)}
    entry.update(overrides)
    return entry


def test_hash_is_stable_and_ignores_id_and_hash_fields():
    assert entry_hash(_entry()) == entry_hash({**_entry(), "_id": ObjectId(), "hash": "x"})


def test_any_change_changes_the_hash():
    base = entry_hash(_entry())
    assert entry_hash(_entry(after={"status": "rejected"})) != base
    assert entry_hash(_entry(prev_hash="1" * 64)) != base
    assert entry_hash(_entry(seq=2)) != base

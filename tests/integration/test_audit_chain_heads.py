"""The audit chain against its signed head: deleting the newest entries, a
whole chain, or rewriting the chain (hashes recomputed) is reported.

The chain is built through the services; the attack is done on the
documents directly, as someone with database access would."""

from __future__ import annotations

from iprodash import cli
from iprodash.repositories.audit import AuditChain, entry_hash, head_mac
from iprodash.services import audit_log, company_settings
from iprodash.settings import get_settings
from tests.factories import admin_of, make_company


def _chain(db, entries: int = 5):
    company = make_company(db)
    admin = admin_of(db, company)
    for n in range(entries):
        company_settings.update_company_settings(
            db, actor=admin, name=f"Name {n}", phone="312-555-0100", admin_email="a@b.test",
            timezone="America/Chicago", card_fee_percent="3")
    return company, admin


def test_an_untouched_chain_is_intact(db):
    company, admin = _chain(db)
    assert AuditChain(db).verify(company["_id"]) == (True, 5, "")
    assert "intact (5 entries" in audit_log.verify_company_audit(db, actor=admin)
    assert db["audit_heads"].find_one({"_id": str(company["_id"])})["mac"]


def test_deleting_the_newest_entries_is_reported(db):
    company, admin = _chain(db)
    db["audit_log"].delete_many({"company_id": company["_id"], "seq": {"$gt": 3}})
    ok, checked, problem = AuditChain(db).verify(company["_id"])
    assert not ok and checked == 3
    assert problem == "the newest 2 entries are missing (the head records 5)"
    assert "tampered" in audit_log.verify_company_audit(db, actor=admin)


def test_deleting_the_newest_entries_and_moving_the_head_back_is_reported(db):
    company, _ = _chain(db)
    db["audit_log"].delete_many({"company_id": company["_id"], "seq": {"$gt": 3}})
    third = db["audit_log"].find_one({"company_id": company["_id"], "seq": 3})
    db["audit_heads"].update_one({"_id": str(company["_id"])},
                                 {"$set": {"seq": 3, "hash": third["hash"]}})
    ok, _, problem = AuditChain(db).verify(company["_id"])
    assert not ok and "signature does not match" in problem


def test_deleting_a_whole_chain_is_reported(db, capsys):
    company, _ = _chain(db)
    db["audit_log"].delete_many({"company_id": company["_id"]})
    assert AuditChain(db).verify(company["_id"]) == (False, 0, "all 5 entries are missing")
    assert cli.main(["audit", "verify"]) == 1
    assert f"BROKEN {company['_id']}: all 5 entries are missing" in capsys.readouterr().out


def test_a_whole_chain_deleted_with_its_company_is_still_found_by_the_cli(db, capsys):
    company, _ = _chain(db, entries=2)
    db["audit_log"].delete_many({"company_id": company["_id"]})
    db["companies"].delete_one({"_id": company["_id"]})
    assert cli.main(["audit", "verify"]) == 1
    assert f"BROKEN {company['_id']}: all 2 entries are missing" in capsys.readouterr().out


def test_a_rewritten_chain_with_recomputed_hashes_is_reported(db):
    company, _ = _chain(db, entries=3)
    entries = list(db["audit_log"].find({"company_id": company["_id"]}).sort("seq", 1))
    previous = "0" * 64
    for entry in entries:  # forge every entry and relink the chain
        entry["after"] = {"name": "Forged"}
        entry["prev_hash"] = previous
        entry["hash"] = entry_hash(entry)
        db["audit_log"].replace_one({"_id": entry["_id"]}, entry)
        previous = entry["hash"]
    ok, checked, problem = AuditChain(db).verify(company["_id"])
    assert not ok and checked == 3 and "does not match the signed head" in problem
    # Moving the head onto the forged chain needs the secret key.
    db["audit_heads"].update_one({"_id": str(company["_id"])}, {"$set": {"hash": previous}})
    assert "signature does not match" in AuditChain(db).verify(company["_id"])[2]


def test_a_head_signed_with_another_key_is_refused(db, monkeypatch):
    company, _ = _chain(db, entries=2)
    head = db["audit_heads"].find_one({"_id": str(company["_id"])})

    monkeypatch.setenv("IPRODASH_SECRET_KEY", "another-key-0123456789-another-key-0123456789")
    get_settings.cache_clear()
    assert head["mac"] != head_mac(head["_id"], head["seq"], head["hash"])
    assert "signature does not match" in AuditChain(db).verify(company["_id"])[2]


def test_sign_heads_signs_only_chains_that_verify(db, capsys):
    good, _ = _chain(db, entries=2)
    cut, _ = _chain(db, entries=3)
    db["audit_heads"].update_many({}, {"$unset": {"mac": ""}})  # heads from before signing
    db["audit_log"].delete_one({"company_id": cut["_id"], "seq": 3})
    assert "not signed" in AuditChain(db).verify(good["_id"])[2]
    assert cli.main(["audit", "sign-heads"]) == 0
    assert AuditChain(db).verify(good["_id"]) == (True, 2, "")
    assert not AuditChain(db).verify(cut["_id"])[0]
    assert "mac" not in db["audit_heads"].find_one({"_id": str(cut["_id"])})

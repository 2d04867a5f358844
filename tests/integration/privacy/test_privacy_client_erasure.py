"""Erasing one client: nothing of them is left anywhere (but the bare opt-out
the law needs), and every money total still adds up."""

from __future__ import annotations

import gridfs
import pytest
from bson import json_util

from iprodash.domain.errors import NotFound, PermissionDenied
from iprodash.repositories.audit import AuditChain
from iprodash.services import audit
from iprodash.services.backup import user_collections
from iprodash.services.privacy_client_erasure import ERASED_NAME, erase_client
from tests.factories import actor_for


def _texts_by_collection(db) -> dict[str, str]:
    texts = {}
    for name in user_collections(db):
        if name.endswith(".chunks"):
            texts[name] = "\n".join(bytes(c["data"]).decode("latin-1") for c in db[name].find())
        else:
            texts[name] = "\n".join(json_util.dumps(doc) for doc in db[name].find())
    return texts


def _totals(db, company_id) -> tuple[int, int, int]:
    jobs = list(db["jobs"].find({"company_id": company_id}))
    return (len(jobs), sum(j["finance"]["gross"] for j in jobs),
            sum(p["amount_cents"] for j in jobs for p in j["payments"]))


def test_erasing_a_client_leaves_nothing_of_them(db, populated):
    alpha, bravo = populated(db, "Alpha"), populated(db, "Bravo")
    cid, phone = alpha["company"]["_id"], alpha["phone"]
    admin = actor_for(alpha["admin"])
    client = db["clients"].find_one({"company_id": cid})
    other_client = db["clients"].insert_one({"company_id": cid, "name": "Keeper Person",
                                             "phone": "+16175550133"}).inserted_id
    job = db["jobs"].find_one({"client_id": client["_id"]})
    gridfs.GridFSBucket(db, bucket_name="files").upload_from_stream(
        "door.jpg", b"client door photo" * 100,
        metadata={"company_id": cid, "job_id": job["_id"]})
    db["sms_consents"].update_one({"company_id": cid, "phone": phone}, {"$set": {
        "status": "opted_out", "ip": "203.0.113.9",
        "events": [{"action": "opted_in", "ip": "203.0.113.9"},
                   {"action": "opted_out", "method": "keyword"}]}})
    db["sms_inbound"].insert_one({"company_id": cid, "phone": phone, "text": "STOP",
                                  "client_id": client["_id"]})
    audit.record(db, actor=admin, action="client.updated", target_type="client",
                 target_id=client["_id"], after={"name": "Alpha Client", "phone": phone})
    audit.record(db, actor=admin, action="settings.note", target_type="company",
                 target_id=cid, reason="called 1 Alpha St about the gate")
    before = _totals(db, cid)

    counts = erase_client(db, actor=admin, client_id=str(client["_id"]))
    assert counts["jobs_anonymized"] == 3 and counts["files"] == 1

    texts = _texts_by_collection(db)
    for trace in ("Alpha Client", "1 Alpha St", phone, phone[1:], "203.0.113.9"):
        holders = [name for name, text in texts.items() if trace in text]
        allowed = ["sms_consents"] if trace in (phone, phone[1:]) else []
        assert holders == allowed, (trace, holders)
    kept = db["sms_consents"].find_one({"company_id": cid, "phone": phone})
    assert kept["status"] == "opted_out" and "ip" not in kept
    assert _totals(db, cid) == before
    erased = db["jobs"].find_one({"_id": job["_id"]})
    assert erased["client"]["name"] == ERASED_NAME and erased["search_keys"] == ["#1"]
    assert db["clients"].find_one({"_id": other_client})["name"] == "Keeper Person"
    assert "Bravo Client" in texts["clients"] and bravo["phone"] in texts["sms_consents"]
    assert AuditChain(db).verify(cid)[0]
    assert db["audit_log"].find_one({"company_id": cid, "action": "client.erased"})


def test_only_an_admin_of_the_company_can_erase(db, populated):
    alpha, bravo = populated(db, "Alpha"), populated(db, "Bravo")
    client = db["clients"].find_one({"company_id": alpha["company"]["_id"]})
    with pytest.raises(PermissionDenied):
        erase_client(db, actor=actor_for(alpha["office"]), client_id=str(client["_id"]))
    with pytest.raises(NotFound):
        erase_client(db, actor=actor_for(bravo["admin"]), client_id=str(client["_id"]))
    assert db["clients"].find_one({"_id": client["_id"]})["name"] == "Alpha Client"

"""Company deletion: password, grace period, cancel, then a purge that leaves
no personal data while the kept records still add up and verify."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import gridfs
import pytest
from bson import json_util

from iprodash.domain.errors import Conflict, PermissionDenied, ValidationError
from iprodash.repositories.audit import AuditChain
from iprodash.repositories.base import utcnow
from iprodash.services import privacy_deletion
from iprodash.services.backup import user_collections
from iprodash.settings import get_settings
from tests.factories import PASSWORD, actor_for


def _whole_database_text(db) -> str:
    parts = []
    for name in user_collections(db):
        if name.endswith(".chunks"):
            parts.extend(bytes(c["data"]).decode("latin-1") for c in db[name].find())
        else:
            parts.extend(json_util.dumps(doc) for doc in db[name].find())
    return "\n".join(parts)


def test_request_needs_the_admin_and_the_password(db, populated):
    alpha = populated(db, "Alpha")
    admin = actor_for(alpha["admin"])
    with pytest.raises(PermissionDenied):
        privacy_deletion.request_company_deletion(db, actor=actor_for(alpha["office"]),
                                                  password=PASSWORD)
    with pytest.raises(ValidationError, match="password"):
        privacy_deletion.request_company_deletion(db, actor=admin, password="wrong-password")
    assert not privacy_deletion.deletion_status(db, actor=admin).pending
    status = privacy_deletion.request_company_deletion(db, actor=admin, password=PASSWORD)
    assert status.pending and status.due_at.startswith(
        (utcnow() + timedelta(days=30)).strftime("%Y-%m-%d"))
    with pytest.raises(Conflict, match="already scheduled"):
        privacy_deletion.request_company_deletion(db, actor=admin, password=PASSWORD)
    with pytest.raises(Conflict, match="read-only"):
        privacy_deletion.require_not_pending_deletion(db, alpha["company"]["_id"])
    mail = db["outbox"].find_one({"kind": "company_deletion_requested"})
    assert mail["to"] == "alpha@co.test" and "cancel" in mail["text"]
    actions = [e["action"] for e in db["audit_log"].find({"company_id": alpha["company"]["_id"]})]
    assert "company.deletion_requested" in actions


def test_cancel_during_the_grace_period_keeps_everything(db, populated):
    alpha = populated(db, "Alpha")
    admin = actor_for(alpha["admin"])
    privacy_deletion.request_company_deletion(db, actor=admin, password=PASSWORD)
    privacy_deletion.cancel_company_deletion(db, actor=admin)
    with pytest.raises(Conflict, match="No deletion"):
        privacy_deletion.cancel_company_deletion(db, actor=admin)
    privacy_deletion.require_not_pending_deletion(db, alpha["company"]["_id"])  # writable again
    later = utcnow() + timedelta(days=60)
    assert privacy_deletion.purge_due_companies(db, now=later)["companies_purged"] == 0
    assert db["jobs"].count_documents({"company_id": alpha["company"]["_id"]}) == 3


def test_purge_leaves_no_personal_data_and_the_rest_adds_up(db, populated):
    alpha, bravo = populated(db, "Alpha"), populated(db, "Bravo")
    cid = alpha["company"]["_id"]
    bravo_counts = {n: db[n].count_documents({"company_id": bravo["company"]["_id"]})
                    for n in ("users", "jobs", "clients", "outbox", "sms_consents")}
    money = {"gross": 0}
    for job in db["jobs"].find({"company_id": bravo["company"]["_id"]}):
        money["gross"] += job["finance"]["gross"]
    privacy_deletion.request_company_deletion(db, actor=actor_for(alpha["admin"]),
                                              password=PASSWORD)
    soon = utcnow() + timedelta(days=29)
    assert privacy_deletion.purge_due_companies(db, now=soon)["companies_purged"] == 0
    after_grace = utcnow() + timedelta(days=31)
    assert privacy_deletion.purge_due_companies(db, now=after_grace) == {
        "companies_purged": 1, "purges_failed": 0}

    text = _whole_database_text(db)
    for trace in ("Alpha", "alpha@co.test", alpha["admin"]["email"], alpha["office"]["email"],
                  alpha["admin"]["name"], alpha["phone"], alpha["company"]["code"]):
        assert trace not in text, trace
    assert "Bravo Client" in text and bravo["admin"]["email"] in text
    assert {n: db[n].count_documents({"company_id": bravo["company"]["_id"]})
            for n in bravo_counts} == bravo_counts
    assert sum(j["finance"]["gross"] for j in db["jobs"].find()) == money["gross"]
    kept = db["billing_events"].find_one({"company_id": cid})
    assert kept["event_id"] == f"evt_{cid}" and kept["outcome"] == "status active -> active"
    record = db["companies"].find_one({"_id": cid})
    assert record["status"] == "deleted" and record["records_until"] > after_grace
    bucket = gridfs.GridFSBucket(db, bucket_name="files")
    assert [f.filename for f in bucket.find()] == ["Bravo.jpg"]
    chain = AuditChain(db)
    assert chain.verify(cid)[0] and chain.verify(bravo["company"]["_id"])[0]
    assert db["audit_log"].find_one({"company_id": cid, "action": "company.purged"})

    ten_years = utcnow() + timedelta(days=3660)
    assert privacy_deletion.forget_deleted_companies(db, now=ten_years) == 1
    assert db["companies"].find_one({"_id": cid}) is None
    assert db["audit_log"].count_documents({"company_id": cid}) == 0
    assert db["billing_events"].count_documents({"company_id": cid}) == 0
    assert chain.verify(None)[0]


def test_a_redaction_without_its_voucher_is_tampering(db, populated):
    alpha = populated(db, "Alpha")
    admin = actor_for(alpha["admin"])
    privacy_deletion.request_company_deletion(db, actor=admin, password=PASSWORD)
    privacy_deletion.cancel_company_deletion(db, actor=admin)
    cid = alpha["company"]["_id"]
    assert AuditChain(db).verify(cid)[0]
    db["audit_log"].update_one({"company_id": cid, "seq": 1},
                               {"$set": {"after": None, "redacted": {"at": utcnow()}}})
    ok, _, problem = AuditChain(db).verify(cid)
    assert not ok and problem == "entry 1 was altered"
    privacy_deletion.record_redaction(db, company_id=cid, seqs=[1], reason="test")
    assert AuditChain(db).verify(cid)[0]


def test_seq_ranges_are_compact():
    assert privacy_deletion.seq_ranges([7, 1, 2, 3, 9, 8]) == [[1, 3], [7, 9]]
    assert privacy_deletion.seq_ranges([]) == []


class _FakeStripe(BaseHTTPRequestHandler):
    """Stripe's subscription retrieve and cancel, recording what was asked."""

    calls: list[tuple[str, str]] = []

    def _answer(self, status: str) -> None:
        self.calls.append((self.command, self.path))
        body = json.dumps({"id": "sub_123", "object": "subscription", "status": status})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def do_GET(self):  # noqa: N802 - http.server's naming
        self._answer("active")

    def do_DELETE(self):  # noqa: N802
        self._answer("canceled")

    def log_message(self, *args):
        pass


def test_purge_cancels_the_stripe_subscription_first(db, populated, monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeStripe)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("STRIPE_API_KEY", "sk_test_fake")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_fake")
    monkeypatch.setenv("STRIPE_API_BASE", f"http://127.0.0.1:{server.server_port}")
    get_settings.cache_clear()
    _FakeStripe.calls = []
    try:
        alpha = populated(db, "Alpha")
        cid = alpha["company"]["_id"]
        db["companies"].update_one({"_id": cid}, {"$set": {"billing": {
            "status": "active", "customer_id": "cus_1", "subscription_id": "sub_123"}}})
        privacy_deletion.purge_company(db, company_id=cid)
    finally:
        server.shutdown()
        get_settings.cache_clear()
    assert _FakeStripe.calls == [("GET", "/v1/subscriptions/sub_123"),
                                 ("DELETE", "/v1/subscriptions/sub_123")]
    record = db["companies"].find_one({"_id": cid})
    assert record["status"] == "deleted" and record["billing"]["customer_id"] == "cus_1"


def test_a_purged_company_keeps_nothing_of_its_clients_staff_or_texts(db, monkeypatch):
    from tests.integration.privacy.people import (Person, give_the_full_story, open_shop,
                                                  render_pdfs_in_process, traces)

    render_pdfs_in_process(monkeypatch)
    shop = open_shop(db, "Juniper Keys", "+12125550100", tech_name="Ottilie Brandt",
                     tech_phone="(212) 555-0179", tech_ip="198.51.100.79")
    stays = open_shop(db, "Other Locks", "+13125550100")
    gone = [give_the_full_story(db, shop, Person(
                "Zelda Quist", "+12125550142", "(212) 555-0142", "zelda.quist@mail.test",
                "77 Juniper Lane", "203.0.113.9")),
            give_the_full_story(db, shop, Person(
                "Kasimir Vale", "+12125550156", "(212) 555-0156", "kasimir.vale@mail.test",
                "9 Orchard Row", "203.0.113.44"), stop=False)]
    other = give_the_full_story(db, stays, Person(
        "Wilma Stroud", "+13125550161", "(312) 555-0161", "wilma.stroud@mail.test",
        "4 Lake Shore Ct", "203.0.113.61"), stop=False)
    admin = db["users"].find_one({"_id": shop.admin.user_id})
    needles = [n for p in gone for n in (p.name, p.phone, p.phone[2:], p.email, p.street)]
    needles += ["Ottilie Brandt", "+12125550179", "Juniper Keys", admin["email"], admin["name"],
                "198.51.100.79", gone[1].ip]
    assert all(traces(db, needles).values())  # the search finds each of them first

    privacy_deletion.request_company_deletion(db, actor=shop.admin, password=PASSWORD)
    after_grace = utcnow() + timedelta(days=get_settings().deletion_grace_days + 1)
    assert privacy_deletion.purge_due_companies(db, now=after_grace)["companies_purged"] == 1

    assert traces(db, needles) == {needle: [] for needle in needles}
    record = db["companies"].find_one({"_id": shop.company_id})
    assert record["status"] == "deleted"
    kept_entries = list(db["audit_log"].find({"company_id": shop.company_id}))
    assert kept_entries and all(e["target_type"] not in ("phone", "email") or
                                e["target_id"] is None or e["target_id"].startswith("hmac:")
                                for e in kept_entries)
    assert AuditChain(db).verify(shop.company_id)[0]
    assert all(traces(db, [other.name, other.email, other.street]).values())

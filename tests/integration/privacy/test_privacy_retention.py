"""Retention with a moved clock: each period enforced, nothing young touched,
every run audited."""

from __future__ import annotations

from datetime import timedelta

import gridfs

from iprodash.jobs.retention import enforce_retention
from iprodash.repositories.audit import AuditChain
from iprodash.repositories.base import utcnow
from iprodash.repositories.sessions import SessionRepository
from tests.factories import make_company, make_user


def _seed(db, age: timedelta, tag: str) -> None:
    """One record of each kind, created ``age`` ago."""
    then = utcnow() - age
    company = make_company(db)
    user = make_user(db, company=company)
    SessionRepository(db).create(jti=f"jti-{tag}", user_id=user["_id"],
                                 company_id=company["_id"], expires_at=then, ip="1.2.3.4",
                                 user_agent="t")
    db["usage_log"].insert_one({"kind": "login", "at": then, "tag": tag})
    db["outbox"].insert_many([
        {"company_id": company["_id"], "status": "sent", "created_at": then, "tag": tag,
         "idempotency_key": f"sent-{tag}"},
        {"company_id": company["_id"], "status": "queued", "created_at": then, "tag": tag,
         "idempotency_key": f"queued-{tag}"}])
    db["sent_box"].insert_one({"sent_at": then, "tag": tag})
    db["sms_inbound"].insert_one({"company_id": company["_id"], "received_at": then,
                                  "tag": tag})
    file_id = gridfs.GridFSBucket(db, bucket_name="reports").upload_from_stream(
        f"report-{tag}.pdf", b"%PDF-1.7", metadata={"company_id": company["_id"]})
    db["reports.files"].update_one({"_id": file_id}, {"$set": {"uploadDate": then}})


def test_old_records_go_and_young_ones_stay(db):
    _seed(db, timedelta(days=400), "old")
    _seed(db, timedelta(days=5), "young")
    counts = enforce_retention(db)
    assert counts["sessions"] == 1 and counts["usage_log"] == 1
    assert counts["outbox"] == 1 and counts["sent_box"] == 1
    assert counts["sms_inbound"] == 1 and counts["report_files"] == 1
    assert db["outbox"].count_documents({"status": "queued", "tag": "old"}) == 1  # never unsent
    for name in ("usage_log", "sent_box", "sms_inbound"):
        assert [d["tag"] for d in db[name].find()] == ["young"], name
    assert db["sessions"].count_documents({}) == 1
    assert [f["filename"] for f in db["reports.files"].find()] == ["report-young.pdf"]
    assert db["reports.chunks"].count_documents({}) == 1


def test_moving_the_clock_expires_the_young_ones_too(db):
    _seed(db, timedelta(days=5), "young")
    assert enforce_retention(db)["usage_log"] == 0
    later = utcnow() + timedelta(days=400)
    counts = enforce_retention(db, now=later)
    assert counts["usage_log"] == 1 and counts["sms_inbound"] == 1 and counts["outbox"] == 1
    runs = list(db["audit_log"].find({"company_id": None, "action": "retention.run"})
                .sort("seq", 1))
    assert len(runs) == 2 and runs[1]["after"]["usage_log"] == 1
    assert AuditChain(db).verify(None)[0]


def test_expired_invite_and_reset_tokens_go_with_the_emails_they_hold(db):
    from iprodash.services.auth import request_password_reset
    from iprodash.services.users import invite_user
    from iprodash.settings import get_settings
    from tests.factories import actor_for

    company = make_company(db)
    admin = make_user(db, company=company, role="company_admin")
    invite_user(db, actor=actor_for(admin), email="new.hire@mail.test")
    request_password_reset(db, email=admin["email"], ip="192.0.2.1")
    tokens = {t["kind"]: t for t in db["one_time_tokens"].find()}
    assert tokens["invite"]["email"] == "new.hire@mail.test" and "reset" in tokens

    settings = get_settings()
    assert enforce_retention(db)["expired_tokens"] == 0
    after_reset = utcnow() + timedelta(minutes=settings.reset_minutes + 1)
    assert enforce_retention(db, now=after_reset)["expired_tokens"] == 1
    assert [t["kind"] for t in db["one_time_tokens"].find()] == ["invite"]
    after_invite = utcnow() + timedelta(days=settings.invite_days, minutes=1)
    assert enforce_retention(db, now=after_invite)["expired_tokens"] == 1
    assert db["one_time_tokens"].count_documents({}) == 0

"""Exports: exactly one company's (or one person's) data, downloadable by the
requester only, until the link expires."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import timedelta

import gridfs
from bson import ObjectId
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from iprodash.api import exports_privacy
from iprodash.api.security import SESSION_COOKIE
from iprodash.domain.errors import Conflict, PermissionDenied
from iprodash.repositories.base import utcnow
from iprodash.services import auth, privacy_export
from tests.factories import actor_for, make_user


def _zip(db, export_id: str) -> zipfile.ZipFile:
    job = db["exports"].find_one({"_id": ObjectId(export_id)})
    data = gridfs.GridFSBucket(db, bucket_name="exports").open_download_stream(
        job["file_id"]).read()
    return zipfile.ZipFile(io.BytesIO(data))


def _all_text(archive: zipfile.ZipFile) -> str:
    return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def test_company_export_holds_exactly_that_company(db, populated):
    mine, theirs = populated(db, "Alpha"), populated(db, "Bravo")
    admin = actor_for(mine["admin"])
    export_id = privacy_export.request_company_export(db, actor=admin)
    assert privacy_export.build_export(db, export_id=export_id) is True
    assert privacy_export.build_export(db, export_id=export_id) is False  # built once
    archive = _zip(db, export_id)
    names = set(archive.namelist())
    for collection in ("company", "users", "clients", "jobs", "sms_consents", "audit_log",
                       "files"):
        assert {f"{collection}.json", f"{collection}.csv"} <= names
    text = _all_text(archive)
    assert "Bravo" not in text and str(theirs["company"]["_id"]) not in text
    assert "password_hash" not in text and "$2b$" not in text
    assert "sessions.json" not in names and "exports.json" not in names
    jobs = json.loads(archive.read("jobs.json"))
    assert len(jobs) == 3 and jobs[0]["finance"]["company_profit"] == 16900
    rows = list(csv.DictReader(io.StringIO(archive.read("jobs.csv").decode())))
    assert len(rows) == 3 and rows[0]["finance.cc_fee"] == "1200"
    assert rows[0]["notes"].startswith("'=")  # no formula runs in a spreadsheet
    assert rows[0]["client.phone"] == "+12125550111"
    users = {u["email"] for u in json.loads(archive.read("users.json"))}
    assert users == {mine["admin"]["email"], mine["office"]["email"]}
    [photo] = [n for n in names if n.startswith("files/files/")]
    assert archive.read(photo) == mine["photo"]
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["records"]["jobs"] == 3


def test_personal_export_holds_only_the_person(db, populated):
    mine = populated(db, "Alpha")
    office = actor_for(mine["office"])
    export_id = privacy_export.request_personal_export(db, actor=office)
    with pytest.raises(Conflict, match="already being prepared"):
        privacy_export.request_personal_export(db, actor=office)
    assert privacy_export.build_export(db, export_id=export_id)
    archive = _zip(db, export_id)
    [profile] = json.loads(archive.read("profile.json"))
    assert profile["email"] == mine["office"]["email"] and "password_hash" not in profile
    text = _all_text(archive)
    assert mine["admin"]["email"] not in text and "Alpha Client" not in text
    assert "jobs.json" not in archive.namelist()


def test_office_user_cannot_export_the_company(db, populated):
    mine = populated(db, "Alpha")
    with pytest.raises(PermissionDenied):
        privacy_export.request_company_export(db, actor=actor_for(mine["office"]))


@pytest.fixture
def http(db):
    app = FastAPI()
    app.include_router(exports_privacy.router)
    with TestClient(app, base_url="http://localhost:3000") as client:
        yield client


def _cookie(db, user: dict) -> dict:
    return {SESSION_COOKIE: auth.issue_session(db, user=user, ip="127.0.0.1", user_agent="t")}


def test_download_link_is_for_the_requester_only_and_expires(db, populated, http):
    mine, theirs = populated(db, "Alpha"), populated(db, "Bravo")
    export_id = privacy_export.request_company_export(db, actor=actor_for(mine["admin"]))
    url = privacy_export.DOWNLOAD_PATH.format(export_id=export_id)
    http.cookies.clear()
    assert http.get(url).status_code == 401
    not_ready = http.get(url, cookies=_cookie(db, mine["admin"]))
    assert not_ready.status_code == 409 and "not ready" in not_ready.text
    privacy_export.build_export(db, export_id=export_id)
    ok = http.get(url, cookies=_cookie(db, mine["admin"]))
    assert ok.status_code == 200 and ok.headers["content-type"] == "application/zip"
    assert "attachment" in ok.headers["content-disposition"]
    assert "jobs.json" in zipfile.ZipFile(io.BytesIO(ok.content)).namelist()
    other_admin = make_user(db, company=mine["company"], role="company_admin")
    for stranger in (other_admin, mine["office"], theirs["admin"]):
        refused = http.get(url, cookies=_cookie(db, stranger))
        assert refused.status_code in (403, 404), stranger["email"]
    assert http.get(privacy_export.DOWNLOAD_PATH.format(export_id="not-an-id"),
                    cookies=_cookie(db, mine["admin"])).status_code == 404
    db["exports"].update_one({}, {"$set": {"expires_at": utcnow() - timedelta(minutes=1)}})
    gone = http.get(url, cookies=_cookie(db, mine["admin"]))
    assert gone.status_code == 410 and "expired" in gone.text
    assert privacy_export.expire_exports(db) == 1
    assert db["exports.files"].count_documents({}) == 0
    downloads = db["audit_log"].count_documents({"action": "export.downloaded"})
    assert downloads == 1


def test_scheduler_builds_an_abandoned_export(db, populated):
    mine = populated(db, "Alpha")
    export_id = privacy_export.request_personal_export(db, actor=actor_for(mine["office"]))
    db["exports"].update_one({}, {"$set": {"created_at": utcnow() - timedelta(minutes=5)}})
    assert privacy_export.build_waiting_exports(db) == {"exports_built": 1}
    [row] = privacy_export.list_my_exports(db, actor=actor_for(mine["office"]))
    assert (row.id, row.status, row.percent) == (export_id, "ready", 100)
    assert row.kind == "My personal data"
    assert row.download_url.endswith(f"/{export_id}/download")

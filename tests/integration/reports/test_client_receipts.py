"""The client's receipt: the public link of the "job done" text, and "Email receipt to client".

The public route renders through the real PDF worker process (as in production).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from bson import ObjectId
from fastapi.testclient import TestClient

from iprodash.api.app import create_api
from iprodash.domain.errors import Conflict, PermissionDenied, ValidationError
from iprodash.repositories.base import utcnow
from iprodash.services import client_receipts, job_messages
from iprodash.services.privacy_client_erasure import erase_client
from tests.factories import actor_for, make_user
from tests.integration.reports.conftest import pdf_text
from tests.integration.reports.factories import EXAMPLE_CARD, EXAMPLE_CASH

NOT_AVAILABLE = "This receipt is not available"


@pytest.fixture
def http(db):
    with TestClient(create_api(), base_url="http://localhost:3000") as client:
        yield client


def _closed(world, **fields) -> dict:
    job = world.closed_job(closed_at=utcnow().replace(microsecond=0) - timedelta(days=2),
                           **EXAMPLE_CARD, **fields)
    return world.db["jobs"].find_one({"_id": job["_id"]})


def _path(job: dict, token: str | None = None) -> str:
    return job_messages.RECEIPT_PATH.format(job_id=job["_id"],
                                            token=token or job_messages.receipt_token(job))


def _refused(response) -> None:
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert NOT_AVAILABLE in response.text
    assert "private, no-store" in response.headers["cache-control"]


def test_valid_link_serves_the_receipt_pdf_inline(db, world, http):
    job = _closed(world)
    response = http.get(_path(job))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith(
        f'inline; filename="receipt-acme-locks-{job["number"]}.pdf"')
    assert response.headers["cache-control"] == "private, no-store"
    text = pdf_text(response.content)
    assert "Total paid" in text and "$400.00" in text
    assert f"Receipt for job #{job['number']}" in text and "Jane Client" in text
    for internal in ("$135.20", "$169.00", "$338.00", "$33.80"):  # commission, profit, net
        assert internal not in text


def test_the_job_done_text_carries_a_link_that_opens(db, world, http):
    job = _closed(world)
    link = job_messages.receipt_link(job)
    assert link.startswith("http://localhost:3000/api/receipt/")
    assert http.get(link.removeprefix("http://localhost:3000")).status_code == 200


def test_tampered_token_is_refused(db, world, http):
    job = _closed(world)
    token = job_messages.receipt_token(job)
    tampered = ("0" if token[0] != "0" else "1") + token[1:]
    _refused(http.get(_path(job, tampered)))
    _refused(http.get(_path(job, token[:-1])))
    _refused(http.get(f"/api/receipt/not-an-id/{token}"))
    _refused(http.get(f"/api/receipt/{ObjectId()}/{token}"))


def test_open_job_is_refused_even_with_its_token(db, world, http):
    job = world.open_job(created_at=utcnow())
    db["jobs"].update_one({"_id": job["_id"]}, {"$set": {"status": "pending_approval"}})
    _refused(http.get(_path(db["jobs"].find_one({"_id": job["_id"]}))))


def test_another_jobs_token_is_refused(db, world, other_world, http):
    mine, theirs = _closed(world), _closed(world, client_name="Other Person")
    foreign = _closed(other_world)
    _refused(http.get(_path(mine, job_messages.receipt_token(theirs))))
    _refused(http.get(_path(mine, job_messages.receipt_token(foreign))))


def test_erased_client_is_refused(db, world, http):
    client_id = db["clients"].insert_one({
        "company_id": world.company_id, "name": "Jane Client", "phone": "+12125550100",
        "phone_digits": "12125550100", "email": "jane@example.test", "address": {}}).inserted_id
    job = _closed(world)
    db["jobs"].update_one({"_id": job["_id"]}, {"$set": {"client_id": client_id}})
    job = db["jobs"].find_one({"_id": job["_id"]})
    path = _path(job)
    assert http.get(path).status_code == 200
    erase_client(db, actor=world.actor(), client_id=str(client_id))
    _refused(http.get(path))


def test_deleted_client_record_is_refused(db, world, http):
    job = _closed(world)
    db["jobs"].update_one({"_id": job["_id"]}, {"$set": {"client_id": ObjectId()}})
    _refused(http.get(_path(job)))


def test_deleted_or_deleting_or_suspended_company_is_refused(db, world, http):
    job = _closed(world)
    for change in ({"deletion": {"requested_at": utcnow(), "due_at": utcnow()}},
                   {"deletion": None, "status": "suspended"},
                   {"status": "deleted"}):
        db["companies"].update_one({"_id": world.company_id}, {"$set": change})
        _refused(http.get(_path(job)))


def test_reclosing_a_job_retires_the_old_link(db, world, http):
    job = _closed(world)
    old = _path(job)
    db["jobs"].update_one({"_id": job["_id"]},
                          {"$set": {"closed_at": job["closed_at"] + timedelta(minutes=5)}})
    _refused(http.get(old))
    assert http.get(_path(db["jobs"].find_one({"_id": job["_id"]}))).status_code == 200


def test_link_expires_after_the_link_period(db, world, http):
    job = world.closed_job(closed_at=utcnow().replace(microsecond=0) - timedelta(
        days=client_receipts.RECEIPT_LINK_DAYS, hours=1), **EXAMPLE_CASH)
    _refused(http.get(_path(db["jobs"].find_one({"_id": job["_id"]}))))


def test_requests_are_rate_limited_per_address(db, world, http):
    job = _closed(world)
    for _ in range(client_receipts.VIEWS_PER_WINDOW):
        _refused(http.get(_path(job, "0" * 32)))
    response = http.get(_path(job))
    assert response.status_code == 429 and "Please wait" in response.text


# -- "Email receipt to client" on the job page ----------------------------------------------


def test_office_user_emails_the_receipt_to_the_clients_address(db, world):
    job = _closed(world)
    clerk = world.actor(role="user")
    assert client_receipts.email_receipt_to_client(db, actor=clerk,
                                                   job_id=str(job["_id"])) == "jane@example.test"
    message = db["outbox"].find_one({"to": "jane@example.test"})
    [attachment] = message["attachments"]
    assert attachment["filename"] == f"receipt-acme-locks-{job['number']}.pdf"
    assert attachment["bucket"] == "reports" and "content" not in attachment
    stored = db["reports.files"].find_one({"_id": attachment["file_id"]})
    assert stored["metadata"]["company_id"] == world.company_id
    assert db["audit_log"].find_one({"action": "receipt.emailed"})["after"]["to"] == \
        "jane@example.test"
    with pytest.raises(Conflict, match="already emailed"):
        client_receipts.email_receipt_to_client(db, actor=clerk, job_id=str(job["_id"]))
    assert db["outbox"].count_documents({}) == 1


def test_email_needs_a_closed_job_with_a_client_address_and_office_staff(db, world,
                                                                         other_world):
    clerk = world.actor(role="user")
    open_job = world.open_job(created_at=utcnow())
    with pytest.raises(ValidationError, match="closed"):
        client_receipts.email_receipt_to_client(db, actor=clerk, job_id=str(open_job["_id"]))
    job = _closed(world)
    db["jobs"].update_one({"_id": job["_id"]}, {"$set": {"client.email": ""}})
    with pytest.raises(ValidationError, match="no email"):
        client_receipts.email_receipt_to_client(db, actor=clerk, job_id=str(job["_id"]))
    technician = actor_for(make_user(db, company=world.company, role="technician"))
    with pytest.raises(PermissionDenied):
        client_receipts.email_receipt_to_client(db, actor=technician, job_id=str(job["_id"]))
    foreign = _closed(other_world)
    with pytest.raises(Exception, match="does not exist"):
        client_receipts.email_receipt_to_client(db, actor=clerk, job_id=str(foreign["_id"]))
    assert db["outbox"].count_documents({}) == 0

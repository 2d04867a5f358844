"""Emailing a report: confirmed address, outbox with a GridFS reference, real attachment."""

from __future__ import annotations

import base64

import pytest

from iprodash.domain.errors import Conflict, PermissionDenied, ValidationError
from iprodash.repositories.reports import ReportFiles
from iprodash.services import reports
from iprodash.services.outbox_dispatch import drain_outbox
from tests.integration.messaging.conftest import resend_fake  # noqa: F401 - the fixture
from tests.integration.reports.factories import EXAMPLE_CARD, utc


@pytest.fixture
def receipt(world):
    job = world.closed_job(closed_at=utc(2026, 11, 3, 15), **EXAMPLE_CARD)
    return reports.generate_report(db=world.db, actor=world.actor(role="user"), kind="receipt",
                                   job=str(job["number"]))


def test_email_queues_a_file_reference_and_resend_gets_the_pdf(db, world, receipt, resend_fake):
    clerk = world.actor(role="user")
    sent_to = reports.email_report(db=db, actor=clerk, report_id=receipt.id,
                                   to=" Jane@Example.test ", confirm_to="jane@example.test")
    assert sent_to == "jane@example.test"
    message = db["outbox"].find_one({"to": "jane@example.test"})
    assert message["subject"] == f"{receipt.title} from Acme Locks"
    [attachment] = message["attachments"]
    assert str(attachment["file_id"]) == receipt.id and "content" not in attachment

    assert drain_outbox(db)["sent"] == 1
    [delivered] = resend_fake.delivered
    [sent] = delivered["attachments"]
    pdf_bytes = ReportFiles(db, world.company_id).read(receipt.id)
    number = receipt.title.split("#")[1]
    assert sent["filename"] == attachment["filename"] == f"receipt-job-{number}.pdf"
    assert base64.b64decode(sent["content"]) == pdf_bytes and pdf_bytes.startswith(b"%PDF")
    assert db["audit_log"].find_one({"action": "report.emailed"})["after"]["to"] == sent_to


def test_address_must_be_confirmed_and_is_sent_once(db, world, receipt):
    clerk = world.actor(role="user")
    with pytest.raises(ValidationError, match="differ"):
        reports.email_report(db=db, actor=clerk, report_id=receipt.id, to="jane@example.test",
                             confirm_to="jane@example.tset")
    with pytest.raises(ValidationError):
        reports.email_report(db=db, actor=clerk, report_id=receipt.id, to="not-an-address",
                             confirm_to="not-an-address")
    reports.email_report(db=db, actor=clerk, report_id=receipt.id, to="jane@example.test",
                         confirm_to="jane@example.test")
    with pytest.raises(Conflict, match="already sent"):
        reports.email_report(db=db, actor=clerk, report_id=receipt.id, to="jane@example.test",
                             confirm_to="JANE@example.test")
    assert db["outbox"].count_documents({}) == 1


def test_only_admins_email_financial_reports(db, world):
    tom = world.technician()
    world.closed_job(closed_at=utc(2026, 11, 3, 15), technician_id=tom, **EXAMPLE_CARD)
    analyst = world.actor(role="user", view_financials=True)
    row = reports.generate_report(db=db, actor=analyst, kind="settlement", start="2026-11-01",
                                  end="2026-11-30", technician_id=str(tom))
    with pytest.raises(PermissionDenied):
        reports.email_report(db=db, actor=analyst, report_id=row.id, to="a@example.test",
                             confirm_to="a@example.test")
    reports.email_report(db=db, actor=world.actor(), report_id=row.id, to="a@example.test",
                         confirm_to="a@example.test")
    assert db["outbox"].count_documents({"to": "a@example.test"}) == 1


def test_local_mode_records_the_attachment_and_a_deleted_file_is_not_retried(db, world, receipt):
    admin = world.actor()
    reports.email_report(db=db, actor=admin, report_id=receipt.id, to="a@example.test",
                         confirm_to="a@example.test")
    assert drain_outbox(db)["sent"] == 1
    assert db["sent_box"].find_one({"to": "a@example.test"})["attachments"] == [
        db["outbox"].find_one({"to": "a@example.test"})["attachments"][0]["filename"]]

    reports.email_report(db=db, actor=admin, report_id=receipt.id, to="b@example.test",
                         confirm_to="b@example.test")
    ReportFiles(db, world.company_id).bucket.delete(
        ReportFiles(db, world.company_id).get_file(receipt.id)["_id"])  # retention removed it
    assert drain_outbox(db)["dead"] == 1
    dead = db["outbox"].find_one({"to": "b@example.test"})
    assert dead["status"] == "dead" and "no longer exists" in dead["last_error"]

"""Copies of the data carry no usable sign-in token (issue 14): a backup and
a company export taken while reset, invitation and technician-link emails are
still queued hold none of their tokens, nor anything of a live session."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile

import gridfs
import jwt
from bson import ObjectId

from iprodash.services import auth, backup, privacy_export, users
from iprodash.services.actor import COMPANY_ADMIN
from iprodash.services.technician_access import send_technician_link
from iprodash.services.technicians import TechnicianForm, create_technician
from tests.factories import PASSWORD, actor_for, make_company, make_user
from tests.mailbox import delivered_link


def _queue_sign_in_emails(db) -> dict:
    """A company whose admin is signed in and has reset, invite and tech-link emails queued."""
    company = make_company(db, name="Acme Locks")
    admin_user = make_user(db, company=company, role=COMPANY_ADMIN, email="boss@acme.test")
    admin = actor_for(admin_user)
    session = auth.login(db, email="boss@acme.test", password=PASSWORD, ip="203.0.113.9")
    auth.request_password_reset(db, email="boss@acme.test", ip="203.0.113.9")
    users.invite_user(db, actor=admin, email="new.hire@acme.test")
    tech = create_technician(db, actor=admin, form=TechnicianForm(
        name="Tom Tech", phone="(212) 555-0142", email="tom@acme.test", commission_percent="40", job_fee="0"))
    assert send_technician_link(db, actor=admin, technician_id=tech.id).sent  # text refused:
    # the number never opted in, and the refused text is kept redacted
    assert db["outbox"].count_documents({"status": "queued"}) == 3
    return {"admin": admin, "session": session}


def _secrets_delivered(db, mailbox, session: str) -> list[str]:
    """What the recipients get (sent after the copy was taken) and the session's pieces."""
    links = [delivered_link(db, mailbox, to="boss@acme.test", path="/reset/"),
             delivered_link(db, mailbox, to="new.hire@acme.test", path="/join?invite="),
             delivered_link(db, mailbox, to="tom@acme.test", path="/api/tech/open/")]
    tokens = [link.rsplit("/", 1)[-1].split("invite=")[-1] for link in links]
    assert all(len(token) >= 32 for token in tokens)
    jti = jwt.decode(session, options={"verify_signature": False})["jti"]
    return tokens + [session, jti]


def _backup_bytes(path) -> bytes:
    """Everything the backup holds, decrypted with the backup key."""
    with backup.opened_backup(path) as plain, tarfile.open(plain) as archive:
        return b"".join(gzip.decompress(archive.extractfile(member).read())
                        if member.name.endswith(".gz") else archive.extractfile(member).read()
                        for member in archive.getmembers() if member.isfile())


def test_a_backup_holds_no_usable_token(db, tmp_path, mailbox):
    world = _queue_sign_in_emails(db)
    path, manifest = backup.create_backup(db, out_dir=tmp_path)
    assert manifest["collections"]["outbox"]["count"] == 4
    content = _backup_bytes(path)
    assert b"sealed_body" in content  # the queued links are in it, sealed
    for secret in _secrets_delivered(db, mailbox, world["session"]):
        assert secret.encode() not in content
    assert b"/reset/" not in content and b"/api/tech/open/" not in content


def test_an_export_made_while_a_reset_is_queued_holds_no_link_or_token(db, mailbox):
    world = _queue_sign_in_emails(db)
    export_id = privacy_export.request_company_export(db, actor=world["admin"])
    assert privacy_export.build_export(db, export_id=export_id)
    job = db["exports"].find_one({"_id": ObjectId(export_id)})
    data = gridfs.GridFSBucket(db, bucket_name="exports").open_download_stream(
        job["file_id"]).read()
    archive = zipfile.ZipFile(io.BytesIO(data))
    content = "\n".join(archive.read(name).decode("utf-8", "replace")
                        for name in archive.namelist())
    assert "password_reset" in content  # the queued email is exported, without its link
    assert "sealed_body" not in content
    for secret in _secrets_delivered(db, mailbox, world["session"]):
        assert secret not in content
    assert "/reset/" not in content and "invite=" not in content

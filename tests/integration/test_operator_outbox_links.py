"""The operator cannot take over a company through the Email outbox
(issue 14, point 3): written as the attack, the operator asks for a reset
of a company admin's password and reads the outbox."""

from __future__ import annotations

import json

from iprodash.domain.sign_in_links import REDACTED
from iprodash.services import auth, operator
from iprodash.services.actor import COMPANY_ADMIN
from iprodash.services.outbox_dispatch import drain_outbox
from tests.factories import make_company, make_user
from tests.factories import operator as make_operator


def test_operator_reading_the_outbox_after_a_reset_request_sees_no_link(db):
    company = make_company(db)
    admin = make_user(db, company=company, role=COMPANY_ADMIN, email="boss@acme.test")
    staff = make_operator(db)
    auth.request_password_reset(db, email="boss@acme.test", ip="203.0.113.9")

    queued = operator.list_outbox(db, actor=staff)
    assert [(r["to"], r["kind"], r["status"]) for r in queued] == [
        ("boss@acme.test", "password_reset", "queued")]
    assert "/reset/" not in json.dumps(queued) and "text" not in queued[0]
    assert queued[0]["kind_label"] == "Password reset link"  # what the page shows

    drain_outbox(db)
    sent = operator.list_outbox(db, actor=staff)
    assert sent[0]["status"] == "sent" and "/reset/" not in json.dumps(sent)
    stored = db["outbox"].find_one({"kind": "password_reset"})
    copy = db["sent_box"].find_one({"to": admin["email"]})
    for body in (stored["text"], stored["html"], copy["text"], copy["html"]):
        assert "/reset/" not in body and REDACTED in body
    # The idempotency key is derived from the token's hash, never its characters.
    [record] = db["one_time_tokens"].find({"kind": "reset"})
    assert stored["idempotency_key"] == "reset:" + record["token_hash"][:32]

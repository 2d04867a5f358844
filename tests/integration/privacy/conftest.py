"""A populated company for the privacy tests: staff, clients, jobs, consents,
messages, billing events and a photo, each tagged with a marker word so a
test can search the whole database for anything left of it."""

from __future__ import annotations

import gridfs
import pytest

from iprodash.services.actor import COMPANY_ADMIN, USER
from tests.factories import make_company, make_user

PHONES = {"Alpha": "+12125550111", "Bravo": "+13125550122"}


def populate(db, marker: str) -> dict:
    company = make_company(db, name=f"{marker} Company", admin_email=f"{marker.lower()}@co.test")
    admin = make_user(db, company=company, role=COMPANY_ADMIN)
    office = make_user(db, company=company, role=USER)
    cid, phone = company["_id"], PHONES[marker]
    client_id = db["clients"].insert_one({
        "company_id": cid, "name": f"{marker} Client", "phone": phone,
        "address": {"line": f"1 {marker} St", "city": "Springfield"}}).inserted_id
    db["jobs"].insert_many([{
        "company_id": cid, "number": n, "client_id": client_id,
        "client": {"name": f"{marker} Client", "phone": phone},
        "status": "closed", "payments": [{"method": "card", "amount_cents": 40000}],
        "finance": {"gross": 40000, "cc_fee": 1200, "company_profit": 16900},
        "notes": "=HYPERLINK(\"http://evil\")"} for n in range(1, 4)])
    db["sms_consents"].insert_one({"company_id": cid, "phone": phone, "status": "opted_in",
                                   "source": marker})
    db["outbox"].insert_one({"company_id": cid, "channel": "sms", "to": phone,
                             "text": f"Hi {marker} Client", "status": "sent",
                             "idempotency_key": f"{marker}-sms-1"})
    # The shape billing_webhooks stores, plus personal fields a future event might carry.
    db["billing_events"].insert_one({"event_id": f"evt_{cid}", "type": "invoice.paid",
                                     "created": 1767225600, "status": "processed",
                                     "company_id": cid, "outcome": "status active -> active",
                                     "customer_email": admin["email"],
                                     "data": {"customer_name": f"{marker} Owner"}})
    photo = f"{marker} photo bytes".encode() * 1000
    gridfs.GridFSBucket(db, bucket_name="files").upload_from_stream(
        f"{marker}.jpg", photo, metadata={"company_id": cid, "kind": "photo"})
    return {"company": company, "admin": admin, "office": office, "photo": photo,
            "phone": phone}


@pytest.fixture
def populated():
    """``populated(db, "Alpha")`` fills one company (markers: Alpha, Bravo)."""
    return populate

"""A client's whole footprint, made only through the product's services, and a
search of every collection and GridFS bucket for what identifies them.

Used by the erasure and purge tests: whatever the services store about a
person (jobs, texts both ways, consent, receipt PDF, photo, emails, a bounce,
audit entries) must be findable before and gone after.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bson import json_util
from PIL import Image
from pypdf import PdfReader

from iprodash.domain.finance import Payment
from iprodash.integrations.pdf_worker import render_pdf_here
from iprodash.repositories.base import utcnow
from iprodash.services import (client_receipts, conversations, job_lifecycle, job_photos, jobs,
                               reports)
from iprodash.services.backup import user_collections
from iprodash.services.email_events import handle_resend_event
from iprodash.services.inbound_sms import handle_telnyx_event
from iprodash.services.job_forms import JobForm
from iprodash.services.outbox_dispatch import drain_outbox

from iprodash.services.technicians import TechnicianForm, create_technician
from tests.factories import actor_for, make_company, make_user, sms_opted_in


def render_pdfs_in_process(monkeypatch) -> None:
    """Receipts render in the test process (the same code the PDF worker runs)."""
    monkeypatch.setattr(reports, "render_pdf",
                        lambda html, on_page=None: render_pdf_here(html, on_page=on_page))


@dataclass
class Person:
    """A client and how to recognise them anywhere."""

    name: str
    phone: str            # E.164
    national: str         # "(212) 555-0142"
    email: str
    street: str
    ip: str
    client_id: object = None
    job_ids: list = field(default_factory=list)

    def needles(self) -> list[str]:
        return [self.name, self.phone, self.national, self.phone[2:], self.email,
                self.street, self.ip]


def zelda() -> Person:
    """The client who asks to be erased."""
    return Person(name="Zelda Quist", phone="+12125550142", national="(212) 555-0142",
                  email="zelda.quist@mail.test", street="77 Juniper Lane", ip="203.0.113.9")


def kasimir() -> Person:
    """A client who stays."""
    return Person(name="Kasimir Vale", phone="+12125550156", national="(212) 555-0156",
                  email="kasimir.vale@mail.test", street="9 Orchard Row", ip="203.0.113.44")


@dataclass
class Shop:
    company: dict
    admin: object
    sending_number: str
    technician_id: str = ""
    _events: int = 0

    @property
    def company_id(self):
        return self.company["_id"]

    def event_id(self) -> str:
        self._events += 1
        return f"{self.company_id}-ev-{self._events}"


def open_shop(db, name: str, sending_number: str, *, tech_name: str = "Tom Tech",
              tech_phone: str = "(212) 555-0177", tech_ip: str = "198.51.100.4") -> Shop:
    company = make_company(db, name=name, sms={"sending_number": sending_number,
                                               "messaging_profile_id": "profile-1"})
    shop = Shop(company=company, sending_number=sending_number,
                admin=actor_for(make_user(db, company=company, role="company_admin")))
    tech = create_technician(db, actor=shop.admin, form=TechnicianForm(
        name=tech_name, nickname=tech_name.split()[0], phone=tech_phone,
        commission_percent="40"))
    sms_opted_in(db, company, tech_phone, ip=tech_ip)
    shop.technician_id = tech.id
    return shop


def _tomorrow(shop: Shop) -> str:
    zone = ZoneInfo(shop.company["timezone"])
    return (datetime.now(zone).date() + timedelta(days=1)).isoformat()


def text_from(db, shop: Shop, phone: str, text: str) -> str:
    """A text the person sends to the shop's number, through the Telnyx webhook handler."""
    return handle_telnyx_event(db, {"data": {
        "event_type": "message.received", "id": shop.event_id(), "record_type": "event",
        "payload": {"id": shop.event_id(), "text": text, "from": {"phone_number": phone},
                    "to": [{"phone_number": shop.sending_number}]}}})


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(out, format="PNG")
    return out.getvalue()


def give_the_full_story(db, shop: Shop, person: Person, *, stop: bool = True) -> Person:
    """Everything a client leaves behind, each piece through its service."""
    sms_opted_in(db, shop.company, person.national, ip=person.ip)
    form = dict(client_name=person.name, client_phone=person.national,
                client_email=person.email, address_line=person.street, city="Springfield",
                state="NY", zip="10001", job_type="Lockout", date=_tomorrow(shop),
                start_time="09:00", end_time="11:00", technician_id=shop.technician_id,
                description=f"Locked out at {person.street}",
                notes=f"{person.name.split()[0]} says the gate code is 4411")
    first = jobs.create_job(db, actor=shop.admin, form=JobForm(**form)).job
    person.client_id = first["client_id"]
    second = jobs.create_job(db, actor=shop.admin, form=JobForm(
        **{**form, "client_id": str(first["client_id"])})).job
    person.job_ids = [first["_id"], second["_id"]]
    for status in ("scheduled", "en_route", "in_progress", "pending_approval"):
        job_lifecycle.change_status(db, actor=shop.admin, job_id=str(first["_id"]),
                                    target=status)
    job_lifecycle.close_job(db, actor=shop.admin, job_id=str(first["_id"]),
                            closing_price_cents=40000, parts=[],
                            payments=[Payment("card", 40000, "company")])
    client_receipts.email_receipt_to_client(db, actor=shop.admin, job_id=str(first["_id"]))
    job_photos.add_photo(db, actor=shop.admin, job_id=str(first["_id"]), data=_photo(),
                         kind="before")
    text_from(db, shop, person.phone, f"Hi, {person.name} here, is the tech still coming?")
    conversations.reply(db, actor=shop.admin, phone=person.phone,
                        text=f"Yes {person.name.split()[0]}, we are on the way to {person.street}")
    drain_outbox(db, clock=lambda: utcnow() + timedelta(hours=14))
    receipt_email = db["outbox"].find_one({"company_id": shop.company_id, "to": person.email})
    handle_resend_event(db, {"type": "email.bounced", "data": {
        "email_id": receipt_email.get("provider_id") or "em-none", "to": [person.email],
        "bounce": {"type": "Permanent",
                   "message": f"550 5.1.1 <{person.email}>: no such mailbox"}}},
        event_id=f"svix-{shop.event_id()}")
    if stop:
        assert text_from(db, shop, person.phone, "STOP") == "opted_out"
    return person


def _file_texts(db, bucket: str) -> dict[str, str]:
    """Each stored file's content as text (a PDF's extracted text and its raw bytes)."""
    chunks: dict = {}
    for chunk in db[f"{bucket}.chunks"].find().sort([("files_id", 1), ("n", 1)]):
        chunks.setdefault(chunk["files_id"], []).append(bytes(chunk["data"]))
    texts = {}
    for files_id, parts in chunks.items():
        data = b"".join(parts)
        text = data.decode("latin-1")
        if data.startswith(b"%PDF"):
            text += "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
        texts[f"{bucket}.chunks:{files_id}"] = text
    return texts


def everything_stored(db) -> dict[str, str]:
    """Every collection's documents as JSON, and every GridFS file's content."""
    texts = {}
    for name in user_collections(db):
        if name.endswith(".chunks"):
            texts.update(_file_texts(db, name[: -len(".chunks")]))
        else:
            texts[name] = "\n".join(json_util.dumps(doc) for doc in db[name].find())
    return texts


def traces(db, needles: list[str]) -> dict[str, list[str]]:
    """Where each needle (case-insensitive) is still stored."""
    stored = {place: text.lower() for place, text in everything_stored(db).items()}
    return {needle: sorted(place for place, text in stored.items() if needle.lower() in text)
            for needle in needles}

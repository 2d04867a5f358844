"""Clients: create, edit, find by phone (any format) and by name prefix.

Office staff (company admin and user) manage clients. Search never uses a
regex: a phone is looked up by its digits, a name or address by the exact
prefix keys stored in ``search_keys``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from pymongo.database import Database

from iprodash.domain.errors import ValidationError
from iprodash.domain.phones import display_phone, normalize_phone, phone_digits
from iprodash.domain.search_keys import require_search_query, search_keys_for, search_terms
from iprodash.domain.validation import required_text, validate_email
from iprodash.repositories.base import to_object_id
from iprodash.repositories.clients import ClientRepository
from iprodash.services.audited_records import insert_audited, update_audited
from iprodash.services.actor import Actor, require_company_actor
from iprodash.services.plan_access import require_writable

PAGE_SIZE = 25
ADDRESS_FIELDS = ("line", "city", "state", "zip")


@dataclass(frozen=True)
class ClientForm:
    """What the client form sends (raw text)."""

    name: str = ""
    phone: str = ""
    email: str = ""
    address_line: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    lat: str = ""
    lng: str = ""


@dataclass(frozen=True)
class ClientView:
    id: str
    name: str
    phone: str
    phone_display: str
    email: str
    address_line: str
    city: str
    state: str
    zip: str
    address_text: str


def address_text(address: dict | None) -> str:
    """"12 Oak Ave, Springfield, IL 62701" (empty parts left out)."""
    address = address or {}
    state_zip = " ".join(p for p in (address.get("state"), address.get("zip")) if p)
    return ", ".join(p for p in (address.get("line"), address.get("city"), state_zip) if p)


def address_search_text(address: dict | None) -> str:
    """The address words that become search keys (line, city, zip)."""
    address = address or {}
    return " ".join(p for p in (address.get("line"), address.get("city"), address.get("zip")) if p)


def _coordinate(text: str, limit: float) -> float | None:
    try:
        value = float((text or "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) and -limit <= value <= limit else None


def parse_address(*, line: str, city: str, state: str, zip_code: str, lat: str = "",
                  lng: str = "", line_required: bool = False) -> dict[str, Any]:
    """Trimmed address parts; ``lat``/``lng`` from the address autocomplete, else None."""
    line = (line or "").strip()
    if line_required and not line:
        raise ValidationError("Address is required.", field="address_line")
    parts = {"line": line[:200], "city": (city or "").strip()[:100],
             "state": (state or "").strip().upper()[:40], "zip": (zip_code or "").strip()[:20]}
    latitude, longitude = _coordinate(lat, 90), _coordinate(lng, 180)
    if latitude is None or longitude is None:
        latitude = longitude = None
    return {**parts, "lat": latitude, "lng": longitude}


def keep_coordinates(address: dict, before: dict | None) -> dict:
    """Keep the stored lat/lng when the form sent none and the address did not change."""
    before = before or {}
    same = all(address.get(k) == before.get(k) for k in ADDRESS_FIELDS)
    if same and address.get("lat") is None:
        return {**address, "lat": before.get("lat"), "lng": before.get("lng")}
    return address


def view(doc: dict) -> ClientView:
    """A client document as pages show it."""
    address = doc.get("address") or {}
    return ClientView(
        id=str(doc["_id"]), name=doc.get("name", ""), phone=doc.get("phone", ""),
        phone_display=display_phone(doc.get("phone", "")), email=doc.get("email", ""),
        address_line=address.get("line", ""), city=address.get("city", ""),
        state=address.get("state", ""), zip=address.get("zip", ""),
        address_text=address_text(address))


def _parse(form: ClientForm) -> dict[str, Any]:
    phone = normalize_phone(form.phone)
    email = (form.email or "").strip()
    name = required_text(form.name, "Client name", max_len=120, field="name")
    address = parse_address(line=form.address_line, city=form.city, state=form.state,
                            zip_code=form.zip, lat=form.lat, lng=form.lng)
    return {"name": name, "phone": phone, "phone_digits": phone_digits(phone),
            "email": validate_email(email) if email else "", "address": address,
            "search_keys": search_keys_for(name=name, address=address_search_text(address),
                                           phone=phone)}


def list_clients(db: Database, *, actor: Actor, query: str = "",
                 after: tuple[str, str] | None = None) -> tuple[list[ClientView], bool]:
    """Clients by name, optionally only those matching a name, address or phone query.

    Every word of the query matches the start of a word, in any order.

    Returns:
        ``(rows, has_next)``.

    Raises:
        ValidationError: every word of the query is 1 character ("a", "a b").
    """
    actor = require_company_actor(actor)
    require_search_query(query, field="query")
    cursor = (after[0], to_object_id(after[1], "client")) if after else None
    rows = ClientRepository(db, actor.company_id).page(after=cursor, limit=PAGE_SIZE + 1,
                                                       search_terms=search_terms(query))
    return [view(r) for r in rows[:PAGE_SIZE]], len(rows) > PAGE_SIZE


def find_clients_by_phone(db: Database, *, actor: Actor, phone: str) -> list[ClientView]:
    """Clients with this phone number, typed in any format ("(212) 555-0100", "+1 212...")."""
    actor = require_company_actor(actor)
    try:
        digits = phone_digits(normalize_phone(phone))
    except ValidationError:
        return []
    return [view(d) for d in ClientRepository(db, actor.company_id).by_phone_digits(digits)]


def get_client(db: Database, *, actor: Actor, client_id: str) -> ClientView:
    actor = require_company_actor(actor)
    return view(ClientRepository(db, actor.company_id).get(client_id, "client"))


def create_client(db: Database, *, actor: Actor, form: ClientForm) -> ClientView:
    """Add a client (office staff)."""
    actor = require_company_actor(actor)
    require_writable(db, actor=actor)
    doc = create_client_record(db, actor=actor, fields=_parse(form))
    return view(doc)


def create_client_record(db: Database, *, actor: Actor, fields: dict[str, Any]) -> dict:
    """Insert already validated client fields and audit it (the job form uses this too)."""
    return insert_audited(db, actor=actor, repo=ClientRepository(db, actor.company_id),
                          kind="client", fields=fields,
                          defaults={"no_sms": False, "no_marketing": False})


def client_fields(*, name: str, phone: str, email: str, address: dict) -> dict[str, Any]:
    """Stored client fields from already validated job-form values."""
    return {"name": name, "phone": phone, "phone_digits": phone_digits(phone), "email": email,
            "address": address,
            "search_keys": search_keys_for(name=name, address=address_search_text(address),
                                           phone=phone)}


def update_client(db: Database, *, actor: Actor, client_id: str, form: ClientForm) -> ClientView:
    """Change a client's details (jobs keep the contact details they were booked with)."""
    actor = require_company_actor(actor)
    require_writable(db, actor=actor)
    repo = ClientRepository(db, actor.company_id)
    before = repo.get(client_id, "client")
    fields = _parse(form)
    fields["address"] = keep_coordinates(fields["address"], before.get("address"))
    return view(update_audited(db, actor=actor, repo=repo, kind="client", before=before,
                               fields=fields))


def set_contact_preferences(db: Database, *, actor: Actor, client_id: str, no_texts: bool,
                            no_marketing: bool) -> ClientView:
    """Record a client's "no texts" and "no marketing" wishes (office staff, audited).

    "No texts" stops every text to the client's number (services/sms.py);
    "no marketing" stops review requests and other marketing messages.
    Honouring a wish stays possible on a read-only plan.
    """
    actor = require_company_actor(actor)
    repo = ClientRepository(db, actor.company_id)
    before = repo.get(client_id, "client")
    fields = {"no_sms": bool(no_texts), "no_marketing": bool(no_marketing)}
    return view(update_audited(db, actor=actor, repo=repo, kind="client", before=before,
                               fields=fields))

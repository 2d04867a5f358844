"""Technicians: list (office staff), create, edit, deactivate (company admin).

Deactivating hides them from the job form and the board's pickers. Deleting
(services/people_deletion.py) keeps a nameless "Former technician N" record,
since jobs, settlements and rollups point at it; it cannot be edited again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pymongo.database import Database

from iprodash.domain.errors import Conflict, ValidationError
from iprodash.domain.money import format_money, format_percent, parse_money, parse_percent_bp
from iprodash.domain.phones import display_phone, normalize_phone, phone_digits
from iprodash.domain.validation import required_text, validate_email
from iprodash.repositories.base import to_object_id
from iprodash.repositories.technicians import TechnicianRepository
from iprodash.services.audited_records import (insert_audited, set_active_audited,
                                                update_audited)
from iprodash.services.actor import COMPANY_ADMIN, Actor, require_company_actor
from iprodash.services.plan_access import require_writable

PAGE_SIZE = 25
CHOICES_LIMIT = 500
DEFAULT_COLOR = "#3E63DD"
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class TechnicianForm:
    """What the technician form sends (raw text, as typed)."""

    name: str = ""
    nickname: str = ""
    phone: str = ""
    email: str = ""
    commission_percent: str = "0"
    job_fee: str = "0"
    color: str = DEFAULT_COLOR


@dataclass(frozen=True)
class TechnicianView:
    """A technician as pages show it (ids as str, money in cents)."""

    id: str
    name: str
    nickname: str
    phone: str
    phone_display: str
    email: str
    commission_bp: int
    commission_text: str
    job_fee_cents: int
    job_fee_text: str
    color: str
    active: bool
    deleted: bool = False


def _view(doc: dict) -> TechnicianView:
    return TechnicianView(
        id=str(doc["_id"]), name=doc.get("name", ""), nickname=doc.get("nickname", ""),
        phone=doc.get("phone", ""), phone_display=display_phone(doc.get("phone", "")),
        email=doc.get("email", ""), commission_bp=int(doc.get("commission_bp", 0)),
        commission_text=format_percent(int(doc.get("commission_bp", 0))),
        job_fee_cents=int(doc.get("job_fee_cents", 0)),
        job_fee_text=format_money(int(doc.get("job_fee_cents", 0))),
        color=doc.get("color") or DEFAULT_COLOR, active=bool(doc.get("active", True)),
        deleted=bool(doc.get("deleted")))


def _parse(form: TechnicianForm) -> dict[str, Any]:
    """Validate every field; the stored fields, or ValidationError."""
    phone = normalize_phone(form.phone)
    email = (form.email or "").strip()
    color = (form.color or DEFAULT_COLOR).strip()
    if not _COLOR.match(color):
        raise ValidationError("Pick a board color like #3E63DD.", field="color")
    return {
        "name": required_text(form.name, "Name", max_len=120, field="name"),
        "nickname": (form.nickname or "").strip()[:60],
        "phone": phone, "phone_digits": phone_digits(phone),
        "email": validate_email(email) if email else "",
        "commission_bp": parse_percent_bp(form.commission_percent or "0",
                                          field="commission_percent"),
        "job_fee_cents": parse_money(form.job_fee or "0", field="job_fee"),
        "color": color.upper(),
    }


def _not_deleted(doc: dict) -> dict:
    if doc.get("deleted"):
        raise Conflict("This technician was deleted; add them again as a new technician.")
    return doc


def list_technicians(db: Database, *, actor: Actor, after: tuple[str, str] | None = None,
                     active: bool | None = None) -> tuple[list[TechnicianView], bool]:
    """A page of technicians by name; office staff may read them.

    Returns:
        ``(rows, has_next)``.
    """
    actor = require_company_actor(actor)
    cursor = (after[0], to_object_id(after[1], "technician")) if after else None
    rows = TechnicianRepository(db, actor.company_id).page(after=cursor, limit=PAGE_SIZE + 1,
                                                           active=active)
    return [_view(r) for r in rows[:PAGE_SIZE]], len(rows) > PAGE_SIZE


def get_technician(db: Database, *, actor: Actor, technician_id: str) -> TechnicianView:
    actor = require_company_actor(actor)
    return _view(TechnicianRepository(db, actor.company_id).get(technician_id, "technician"))


def technician_choices(db: Database, *, actor: Actor) -> list[TechnicianView]:
    """Active technicians for pickers (job form, board)."""
    actor = require_company_actor(actor)
    return [_view(d) for d in TechnicianRepository(db, actor.company_id).active_choices()]


def all_technicians(db: Database, *, actor: Actor) -> list[TechnicianView]:
    """Every technician, active or not, by name (list filters; capped at 500)."""
    actor = require_company_actor(actor)
    rows = TechnicianRepository(db, actor.company_id).page(after=None, limit=CHOICES_LIMIT)
    return [_view(d) for d in rows]


def create_technician(db: Database, *, actor: Actor, form: TechnicianForm) -> TechnicianView:
    """Add an active technician (company admin)."""
    actor = require_company_actor(actor, COMPANY_ADMIN)
    require_writable(db, actor=actor)
    return _view(insert_audited(db, actor=actor, repo=TechnicianRepository(db, actor.company_id),
                                kind="technician", fields=_parse(form),
                                defaults={"active": True}))


def update_technician(db: Database, *, actor: Actor, technician_id: str,
                      form: TechnicianForm) -> TechnicianView:
    """Change a technician's details; later closes use the new rates, closed jobs keep theirs."""
    actor = require_company_actor(actor, COMPANY_ADMIN)
    require_writable(db, actor=actor)
    repo = TechnicianRepository(db, actor.company_id)
    before = _not_deleted(repo.get(technician_id, "technician"))
    return _view(update_audited(db, actor=actor, repo=repo, kind="technician", before=before,
                                fields=_parse(form)))


def set_technician_active(db: Database, *, actor: Actor, technician_id: str,
                          active: bool) -> TechnicianView:
    """Deactivate (hide from pickers, keep history) or reactivate a technician."""
    actor = require_company_actor(actor, COMPANY_ADMIN)
    if active:  # deactivating stays possible on a read-only plan (security), as for users
        require_writable(db, actor=actor)
    _not_deleted(TechnicianRepository(db, actor.company_id).get(technician_id, "technician"))
    return _view(set_active_audited(db, actor=actor,
                                    repo=TechnicianRepository(db, actor.company_id),
                                    kind="technician", record_id=technician_id, active=active))

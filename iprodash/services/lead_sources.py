"""Lead sources: where jobs come from and what each is paid per closed job.

Office staff read them; the company admin creates, edits and deactivates
them. A source is never deleted (jobs and rollups point at it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pymongo.database import Database

from iprodash.domain.errors import ValidationError
from iprodash.domain.finance import SOURCE_FIXED, SOURCE_PERCENT
from iprodash.domain.money import format_money, format_percent, parse_money, parse_percent_bp
from iprodash.domain.validation import required_text
from iprodash.repositories.base import to_object_id
from iprodash.repositories.lead_sources import LeadSourceRepository
from iprodash.services.audited_records import (insert_audited, set_active_audited,
                                                update_audited)
from iprodash.services.actor import COMPANY_ADMIN, Actor, require_company_actor
from iprodash.services.plan_access import require_writable

PAGE_SIZE = 25
CHOICES_LIMIT = 500
KINDS = (SOURCE_PERCENT, SOURCE_FIXED)


@dataclass(frozen=True)
class LeadSourceForm:
    """What the source form sends (raw text)."""

    name: str = ""
    kind: str = SOURCE_PERCENT
    rate_percent: str = "0"
    fixed_amount: str = "0"


@dataclass(frozen=True)
class LeadSourceView:
    id: str
    name: str
    kind: str
    rate_bp: int
    fixed_cents: int
    commission_text: str
    active: bool


def commission_text(kind: str, rate_bp: int, fixed_cents: int) -> str:
    """"10% of net" or "$20.00 per closed job"."""
    if kind == SOURCE_FIXED:
        return f"{format_money(fixed_cents)} per closed job"
    return f"{format_percent(rate_bp)} of net"


def _view(doc: dict) -> LeadSourceView:
    kind = doc.get("kind", SOURCE_PERCENT)
    rate, fixed = int(doc.get("rate_bp", 0)), int(doc.get("fixed_cents", 0))
    return LeadSourceView(id=str(doc["_id"]), name=doc.get("name", ""), kind=kind, rate_bp=rate,
                          fixed_cents=fixed, commission_text=commission_text(kind, rate, fixed),
                          active=bool(doc.get("active", True)))


def _parse(form: LeadSourceForm) -> dict[str, Any]:
    if form.kind not in KINDS:
        raise ValidationError("A lead source is paid a percentage or a fixed amount.",
                              field="kind")
    percent = form.kind == SOURCE_PERCENT
    return {
        "name": required_text(form.name, "Name", max_len=120, field="name"),
        "kind": form.kind,
        "rate_bp": parse_percent_bp(form.rate_percent or "0", field="rate_percent")
        if percent else 0,
        "fixed_cents": 0 if percent else parse_money(form.fixed_amount or "0",
                                                     field="fixed_amount"),
    }


def list_lead_sources(db: Database, *, actor: Actor, after: tuple[str, str] | None = None,
                      active: bool | None = None) -> tuple[list[LeadSourceView], bool]:
    """A page of sources by name; office staff may read them. ``(rows, has_next)``."""
    actor = require_company_actor(actor)
    cursor = (after[0], to_object_id(after[1], "lead source")) if after else None
    rows = LeadSourceRepository(db, actor.company_id).page(after=cursor, limit=PAGE_SIZE + 1,
                                                           active=active)
    return [_view(r) for r in rows[:PAGE_SIZE]], len(rows) > PAGE_SIZE


def get_lead_source(db: Database, *, actor: Actor, source_id: str) -> LeadSourceView:
    actor = require_company_actor(actor)
    return _view(LeadSourceRepository(db, actor.company_id).get(source_id, "lead source"))


def lead_source_choices(db: Database, *, actor: Actor) -> list[LeadSourceView]:
    """Active sources for the job form's picker."""
    actor = require_company_actor(actor)
    return [_view(d) for d in LeadSourceRepository(db, actor.company_id).active_choices()]


def all_lead_sources(db: Database, *, actor: Actor) -> list[LeadSourceView]:
    """Every source, active or not, by name (list filters; capped at 500)."""
    actor = require_company_actor(actor)
    return [_view(d) for d in LeadSourceRepository(db, actor.company_id).page(
        after=None, limit=CHOICES_LIMIT)]


def create_lead_source(db: Database, *, actor: Actor, form: LeadSourceForm) -> LeadSourceView:
    actor = require_company_actor(actor, COMPANY_ADMIN)
    require_writable(db, actor=actor)
    return _view(insert_audited(db, actor=actor, repo=LeadSourceRepository(db, actor.company_id),
                                kind="lead_source", fields=_parse(form),
                                defaults={"active": True}))


def update_lead_source(db: Database, *, actor: Actor, source_id: str,
                       form: LeadSourceForm) -> LeadSourceView:
    """Change a source; closed jobs keep the rates snapshotted when they closed."""
    actor = require_company_actor(actor, COMPANY_ADMIN)
    require_writable(db, actor=actor)
    repo = LeadSourceRepository(db, actor.company_id)
    before = repo.get(source_id, "lead source")
    return _view(update_audited(db, actor=actor, repo=repo, kind="lead_source", before=before,
                                fields=_parse(form)))


def set_lead_source_active(db: Database, *, actor: Actor, source_id: str,
                           active: bool) -> LeadSourceView:
    actor = require_company_actor(actor, COMPANY_ADMIN)
    require_writable(db, actor=actor)
    return _view(set_active_audited(db, actor=actor,
                                    repo=LeadSourceRepository(db, actor.company_id),
                                    kind="lead_source", record_id=source_id, active=active))

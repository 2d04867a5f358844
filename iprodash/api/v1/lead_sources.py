"""``/api/v1/lead-sources``: list, get, create, update (services/lead_sources.py)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from iprodash.api.v1.common import CURSOR, ERROR_RESPONSES, StrictModel, reader, writer
from iprodash.api.v1.technicians import cents_text
from iprodash.db import get_db
from iprodash.services import lead_sources
from iprodash.services.api_keys import ApiCaller

router = APIRouter(prefix="/lead-sources", tags=["lead sources"], responses=ERROR_RESPONSES)
Kind = Literal["percent", "fixed"]


class LeadSourceOut(BaseModel):
    id: str
    name: str
    kind: Kind
    rate_bp: int = Field(description="Share of net in basis points when kind is percent")
    fixed_cents: int = Field(description="Amount per closed job when kind is fixed")
    active: bool


class LeadSourcePage(BaseModel):
    items: list[LeadSourceOut]
    next_cursor: str | None = None


class LeadSourceIn(StrictModel):
    name: str = Field(min_length=1, max_length=120)
    kind: Kind = "percent"
    rate_bp: int = Field(0, ge=0, le=10_000)
    fixed_cents: int = Field(0, ge=0, le=100_000_000)


class LeadSourcePatch(StrictModel):
    name: str | None = Field(None, min_length=1, max_length=120)
    kind: Kind | None = None
    rate_bp: int | None = Field(None, ge=0, le=10_000)
    fixed_cents: int | None = Field(None, ge=0, le=100_000_000)
    active: bool | None = None


def _out(view: lead_sources.LeadSourceView) -> LeadSourceOut:
    return LeadSourceOut(id=view.id, name=view.name, kind=view.kind, rate_bp=view.rate_bp,
                         fixed_cents=view.fixed_cents, active=view.active)


def _form(data: dict) -> lead_sources.LeadSourceForm:
    return lead_sources.LeadSourceForm(name=data["name"], kind=data["kind"],
                                       rate_percent=cents_text(data["rate_bp"]),
                                       fixed_amount=cents_text(data["fixed_cents"]))


def _after(caller: ApiCaller, after: str | None) -> tuple[str, str] | None:
    if not after:
        return None
    last = lead_sources.get_lead_source(get_db(), actor=caller.actor, source_id=after)
    return last.name, last.id


@router.get("", response_model=LeadSourcePage, summary="Lead sources by name, keyset-paged")
def list_lead_sources(after: str | None = CURSOR,
                      active: bool | None = None,
                      caller: ApiCaller = Depends(reader)) -> LeadSourcePage:
    rows, more = lead_sources.list_lead_sources(get_db(), actor=caller.actor, active=active,
                                                after=_after(caller, after))
    cursor = rows[-1].id if more and rows else None
    return LeadSourcePage(items=[_out(r) for r in rows], next_cursor=cursor)


@router.get("/{source_id}", response_model=LeadSourceOut)
def get_lead_source(source_id: str, caller: ApiCaller = Depends(reader)) -> LeadSourceOut:
    return _out(lead_sources.get_lead_source(get_db(), actor=caller.actor, source_id=source_id))


@router.post("", response_model=LeadSourceOut, status_code=201)
def create_lead_source(body: LeadSourceIn, caller: ApiCaller = Depends(writer)) -> LeadSourceOut:
    return _out(lead_sources.create_lead_source(get_db(), actor=caller.actor,
                                                form=_form(body.model_dump())))


@router.patch("/{source_id}", response_model=LeadSourceOut,
              summary="Change some fields; active=false deactivates")
def update_lead_source(source_id: str, body: LeadSourcePatch,
                       caller: ApiCaller = Depends(writer)) -> LeadSourceOut:
    db, actor = get_db(), caller.actor
    changes = body.model_dump(exclude_none=True)
    active = changes.pop("active", None)
    view = lead_sources.get_lead_source(db, actor=actor, source_id=source_id)
    if changes:
        current = _out(view).model_dump()
        view = lead_sources.update_lead_source(db, actor=actor, source_id=view.id,
                                               form=_form({**current, **changes}))
    if active is not None:
        view = lead_sources.set_lead_source_active(db, actor=actor, source_id=view.id,
                                                   active=active)
    return _out(view)

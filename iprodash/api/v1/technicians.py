"""``/api/v1/technicians``: list, get, create, update (services/technicians.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from iprodash.api.v1.common import CURSOR, ERROR_RESPONSES, StrictModel, reader, writer
from iprodash.db import get_db
from iprodash.services import technicians
from iprodash.services.api_keys import ApiCaller

router = APIRouter(prefix="/technicians", tags=["technicians"], responses=ERROR_RESPONSES)


class TechnicianOut(BaseModel):
    id: str
    name: str
    nickname: str
    phone: str = Field(description="E.164, e.g. +12125550100")
    email: str
    commission_bp: int = Field(description="Commission in basis points (40% = 4000)")
    job_fee_cents: int = Field(description="Per-job fee subtracted from the commission")
    color: str
    active: bool


class TechnicianPage(BaseModel):
    items: list[TechnicianOut]
    next_cursor: str | None = None


class TechnicianIn(StrictModel):
    name: str = Field(min_length=1, max_length=120)
    nickname: str = Field("", max_length=60)
    phone: str = Field(min_length=1, max_length=40)
    email: str = Field("", max_length=254)
    commission_bp: int = Field(0, ge=0, le=10_000)
    job_fee_cents: int = Field(0, ge=0, le=100_000_000)
    color: str = Field(technicians.DEFAULT_COLOR, max_length=7)


class TechnicianPatch(StrictModel):
    name: str | None = Field(None, min_length=1, max_length=120)
    nickname: str | None = Field(None, max_length=60)
    phone: str | None = Field(None, min_length=1, max_length=40)
    email: str | None = Field(None, max_length=254)
    commission_bp: int | None = Field(None, ge=0, le=10_000)
    job_fee_cents: int | None = Field(None, ge=0, le=100_000_000)
    color: str | None = Field(None, max_length=7)
    active: bool | None = None


def cents_text(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _out(view: technicians.TechnicianView) -> TechnicianOut:
    return TechnicianOut(id=view.id, name=view.name, nickname=view.nickname, phone=view.phone,
                         email=view.email, commission_bp=view.commission_bp,
                         job_fee_cents=view.job_fee_cents, color=view.color, active=view.active)


def _form(data: dict) -> technicians.TechnicianForm:
    return technicians.TechnicianForm(
        name=data["name"], nickname=data["nickname"] or "", phone=data["phone"],
        email=data["email"] or "", commission_percent=cents_text(data["commission_bp"]),
        job_fee=cents_text(data["job_fee_cents"]), color=data["color"])


def _after(caller: ApiCaller, after: str | None) -> tuple[str, str] | None:
    if not after:
        return None
    last = technicians.get_technician(get_db(), actor=caller.actor, technician_id=after)
    return last.name, last.id


@router.get("", response_model=TechnicianPage, summary="Technicians by name, keyset-paged")
def list_technicians(after: str | None = CURSOR,
                     active: bool | None = None,
                     caller: ApiCaller = Depends(reader)) -> TechnicianPage:
    rows, more = technicians.list_technicians(get_db(), actor=caller.actor, active=active,
                                              after=_after(caller, after))
    cursor = rows[-1].id if more and rows else None
    return TechnicianPage(items=[_out(r) for r in rows], next_cursor=cursor)


@router.get("/{technician_id}", response_model=TechnicianOut)
def get_technician(technician_id: str, caller: ApiCaller = Depends(reader)) -> TechnicianOut:
    return _out(technicians.get_technician(get_db(), actor=caller.actor,
                                           technician_id=technician_id))


@router.post("", response_model=TechnicianOut, status_code=201)
def create_technician(body: TechnicianIn, caller: ApiCaller = Depends(writer)) -> TechnicianOut:
    return _out(technicians.create_technician(get_db(), actor=caller.actor,
                                              form=_form(body.model_dump())))


@router.patch("/{technician_id}", response_model=TechnicianOut,
              summary="Change some fields; active=false deactivates")
def update_technician(technician_id: str, body: TechnicianPatch,
                      caller: ApiCaller = Depends(writer)) -> TechnicianOut:
    db, actor = get_db(), caller.actor
    changes = body.model_dump(exclude_none=True)
    active = changes.pop("active", None)
    view = technicians.get_technician(db, actor=actor, technician_id=technician_id)
    if changes:
        current = _out(view).model_dump()
        view = technicians.update_technician(db, actor=actor, technician_id=view.id,
                                             form=_form({**current, **changes}))
    if active is not None:
        view = technicians.set_technician_active(db, actor=actor, technician_id=view.id,
                                                 active=active)
    return _out(view)

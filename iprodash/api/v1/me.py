"""``GET /api/v1/me``: which company and key a request acts for."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from iprodash.api.v1.common import ERROR_RESPONSES, reader
from iprodash.db import get_db
from iprodash.services.api_keys import ApiCaller
from iprodash.services.company_settings import company_name
from iprodash.settings import get_settings

router = APIRouter(tags=["me"], responses=ERROR_RESPONSES)


class CompanyOut(BaseModel):
    id: str
    name: str


class KeyOut(BaseModel):
    id: str
    name: str
    scopes: list[str]


class MeOut(BaseModel):
    company: CompanyOut
    key: KeyOut
    rate_limit_per_minute: int


@router.get("/me", response_model=MeOut, summary="The key's company and scopes")
def me(caller: ApiCaller = Depends(reader)) -> MeOut:
    actor = caller.actor
    return MeOut(company=CompanyOut(id=str(actor.company_id),
                                    name=company_name(get_db(), actor=actor)),
                 key=KeyOut(id=str(caller.key_id), name=caller.key_name,
                            scopes=list(caller.scopes)),
                 rate_limit_per_minute=get_settings().api_rate_limit_per_minute)

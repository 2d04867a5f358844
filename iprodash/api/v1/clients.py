"""``/api/v1/clients``: list and search, get, create, update (services/clients.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from iprodash.api.v1.common import CURSOR, ERROR_RESPONSES, StrictModel, reader, writer
from iprodash.db import get_db
from iprodash.services import clients
from iprodash.services.api_keys import ApiCaller

router = APIRouter(prefix="/clients", tags=["clients"], responses=ERROR_RESPONSES)


class Address(StrictModel):
    line: str = Field("", max_length=200)
    city: str = Field("", max_length=100)
    state: str = Field("", max_length=40)
    zip: str = Field("", max_length=20)


class AddressOut(BaseModel):
    line: str
    city: str
    state: str
    zip: str


class ClientOut(BaseModel):
    id: str
    name: str
    phone: str = Field(description="E.164, e.g. +12125550100")
    email: str
    address: AddressOut


class ClientPage(BaseModel):
    items: list[ClientOut]
    next_cursor: str | None = None


class ClientIn(StrictModel):
    name: str = Field(min_length=1, max_length=120)
    phone: str = Field(min_length=1, max_length=40)
    email: str = Field("", max_length=254)
    address: Address = Address()


class ClientPatch(StrictModel):
    name: str | None = Field(None, min_length=1, max_length=120)
    phone: str | None = Field(None, min_length=1, max_length=40)
    email: str | None = Field(None, max_length=254)
    address: Address | None = None


def _out(view: clients.ClientView) -> ClientOut:
    return ClientOut(id=view.id, name=view.name, phone=view.phone, email=view.email,
                     address=AddressOut(line=view.address_line, city=view.city,
                                        state=view.state, zip=view.zip))


def _form(data: dict) -> clients.ClientForm:
    address = data.get("address") or {}
    return clients.ClientForm(name=data["name"], phone=data["phone"], email=data["email"] or "",
                              address_line=address.get("line", ""), city=address.get("city", ""),
                              state=address.get("state", ""), zip=address.get("zip", ""))


def _after(caller: ApiCaller, after: str | None) -> tuple[str, str] | None:
    if not after:
        return None
    last = clients.get_client(get_db(), actor=caller.actor, client_id=after)
    return last.name, last.id


@router.get("", response_model=ClientPage, summary="Clients by name; q finds by name, "
            "address or phone prefix")
def list_clients(q: str = Query("", max_length=100, description="name, address or phone"),
                 after: str | None = CURSOR,
                 caller: ApiCaller = Depends(reader)) -> ClientPage:
    rows, more = clients.list_clients(get_db(), actor=caller.actor, query=q,
                                      after=_after(caller, after))
    return ClientPage(items=[_out(r) for r in rows],
                      next_cursor=rows[-1].id if more and rows else None)


@router.get("/{client_id}", response_model=ClientOut)
def get_client(client_id: str, caller: ApiCaller = Depends(reader)) -> ClientOut:
    return _out(clients.get_client(get_db(), actor=caller.actor, client_id=client_id))


@router.post("", response_model=ClientOut, status_code=201)
def create_client(body: ClientIn, caller: ApiCaller = Depends(writer)) -> ClientOut:
    return _out(clients.create_client(get_db(), actor=caller.actor,
                                      form=_form(body.model_dump())))


@router.patch("/{client_id}", response_model=ClientOut, summary="Change some fields")
def update_client(client_id: str, body: ClientPatch,
                  caller: ApiCaller = Depends(writer)) -> ClientOut:
    db, actor = get_db(), caller.actor
    current = _out(clients.get_client(db, actor=actor, client_id=client_id)).model_dump()
    changes = body.model_dump(exclude_none=True)
    return _out(clients.update_client(db, actor=actor, client_id=current["id"],
                                      form=_form({**current, **changes})))

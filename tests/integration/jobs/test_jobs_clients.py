"""Clients: create, edit, find by phone in any format, name prefix search."""

from __future__ import annotations

import pytest

from iprodash.domain.errors import NotFound, PermissionDenied, ValidationError
from iprodash.services import clients
from iprodash.services.clients import ClientForm
from tests.factories import actor_for, make_user


def _client(shop, name="Ann Lee", phone="(212) 555-0100", **extra):
    address = dict(address_line="12 Oak Ave", city="Springfield", state="ny", zip="10001")
    if name != "Ann Lee":
        address = dict(address_line="7 Elm St", city="Queens")
    return clients.create_client(shop.db, actor=shop.user, form=ClientForm(
        name=name, phone=phone, **address, **extra))


@pytest.mark.parametrize("typed", ["(212) 555-0100", "212.555.0100", "+1 212 555 0100",
                                   "1-212-555-0100", "2125550100"])
def test_find_by_phone_in_any_format(shop, typed):
    ann = _client(shop)
    _client(shop, name="Bob Brown", phone="(212) 555-0199")
    found = clients.find_clients_by_phone(shop.db, actor=shop.user, phone=typed)
    assert [c.id for c in found] == [ann.id]


def test_find_by_phone_that_is_not_a_number_finds_nothing(shop):
    _client(shop)
    assert clients.find_clients_by_phone(shop.db, actor=shop.user, phone="call me") == []


def test_client_is_stored_normalized_and_audited(shop):
    ann = _client(shop, email="Ann@Example.COM")
    assert ann.phone == "+12125550100" and ann.email == "ann@example.com"
    assert ann.address_text == "12 Oak Ave, Springfield, NY 10001"
    doc = shop.db["clients"].find_one({})
    assert doc["phone_digits"] == "12125550100" and doc["company_id"] == shop.company["_id"]
    assert {"an", "ann", "le", "lee", "oak", "0100"} <= set(doc["search_keys"])
    assert not {"a", "l", "ann l", "ann lee"} & set(doc["search_keys"])  # no 1-char, no whole text
    assert shop.db["audit_log"].count_documents({"action": "client.created"}) == 1


@pytest.mark.parametrize("query", ["ann", "Lee", "ANN L", "oak", "555-0100", "springf"])
def test_name_address_and_phone_search(shop, query):
    ann = _client(shop)
    _client(shop, name="Bob Brown", phone="(718) 555-0142")
    rows, _ = clients.list_clients(shop.db, actor=shop.user, query=query)
    assert [r.id for r in rows] == [ann.id]


def test_edit_updates_keys_and_records_changes(shop):
    ann = _client(shop)
    edited = clients.update_client(shop.db, actor=shop.user, client_id=ann.id, form=ClientForm(
        name="Ann Lee-Park", phone="(212) 555-0100", address_line="9 Pine Rd", city="Albany"))
    assert edited.name == "Ann Lee-Park" and edited.address_text == "9 Pine Rd, Albany"
    rows, _ = clients.list_clients(shop.db, actor=shop.user, query="pine")
    assert [r.id for r in rows] == [ann.id]
    assert clients.list_clients(shop.db, actor=shop.user, query="oak")[0] == []
    entry = shop.db["audit_log"].find_one({"action": "client.updated"})
    assert entry["before"]["name"] == "Ann Lee" and entry["after"]["name"] == "Ann Lee-Park"


def test_invalid_client_saves_nothing(shop):
    with pytest.raises(ValidationError) as error:
        clients.create_client(shop.db, actor=shop.user,
                              form=ClientForm(name="Ann", phone="555"))
    assert error.value.field == "phone"
    with pytest.raises(ValidationError):
        clients.create_client(shop.db, actor=shop.user,
                              form=ClientForm(name="", phone="(212) 555-0100"))
    assert shop.db["clients"].count_documents({}) == 0


def test_client_pages_cover_everyone_once(shop):
    for n in range(60):
        clients.create_client(shop.db, actor=shop.user, form=ClientForm(
            name=f"Client {n % 40:02d}", phone=f"(212) 555-{1000 + n}"))
    seen, after = [], None
    while True:
        rows, has_next = clients.list_clients(shop.db, actor=shop.user, after=after)
        seen += [r.id for r in rows]
        if not has_next:
            break
        after = (rows[-1].name, rows[-1].id)
    assert len(seen) == len(set(seen)) == 60


def test_other_company_and_technician_are_refused(db, shop, other_shop):
    ann = _client(shop)
    form = ClientForm(name="Mine", phone="(212) 555-0100")
    with pytest.raises(NotFound):
        clients.get_client(db, actor=other_shop.user, client_id=ann.id)
    with pytest.raises(NotFound):
        clients.update_client(db, actor=other_shop.user, client_id=ann.id, form=form)
    assert clients.find_clients_by_phone(db, actor=other_shop.user, phone="(212) 555-0100") == []
    assert clients.list_clients(db, actor=other_shop.user, query="ann")[0] == []
    operator = actor_for(make_user(db, company=None, role="operator"))
    with pytest.raises(PermissionDenied):
        clients.list_clients(db, actor=operator)

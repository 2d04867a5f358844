"""Erasing one client, or one phone number: nothing of them is left anywhere
(but an opt-out kept as the number's keyed hash), and every money total still
adds up. All data is made through the services (tests/integration/privacy/people.py)."""

from __future__ import annotations

import pytest

from iprodash.domain.errors import Conflict, NotFound, PermissionDenied, ValidationError
from iprodash.repositories.audit import AuditChain
from iprodash.services.dashboard import load_dashboard
from iprodash.services.privacy_client_erasure import (ERASED_NAME, erase_client,
                                                      erase_phone_number,
                                                      find_clients_to_erase)
from iprodash.services.pseudonyms import email_pseudonym, phone_pseudonym
from iprodash.services.sms import block_reason

from tests.factories import actor_for, make_user, sms_opted_in
from tests.integration.privacy.people import (Person, give_the_full_story, kasimir, open_shop,
                                              render_pdfs_in_process, text_from, traces, zelda)

SHOP_NUMBER, OTHER_SHOP_NUMBER = "+12125550100", "+13125550100"


@pytest.fixture(autouse=True)
def _pdfs(monkeypatch):
    render_pdfs_in_process(monkeypatch)


def _books(db, shop) -> tuple:
    dashboard = load_dashboard(db=db, actor=shop.admin, period="this_month")
    rollups = list(db["rollups"].find({"company_id": shop.company_id}, {"updated_at": 0})
                   .sort("_id", 1))
    jobs = list(db["jobs"].find({"company_id": shop.company_id}).sort("_id", 1))
    money = [(j["_id"], j["status"], j.get("finance"), j["payments"]) for j in jobs]
    return dashboard, rollups, money


def test_erasing_a_client_leaves_nothing_of_them(db):
    shop = open_shop(db, "Acme Locks", SHOP_NUMBER)
    other = open_shop(db, "Other Locks", OTHER_SHOP_NUMBER)
    person = give_the_full_story(db, shop, zelda())
    kept = give_the_full_story(db, shop, kasimir(), stop=False)
    elsewhere = give_the_full_story(db, other, kasimir(), stop=False)

    found = traces(db, person.needles())
    # The search can fail: before erasure each identifier is where the services put it
    # (but the opt-in IP, which went with the STOP, as the keeper's shows it would be;
    # the national format is printed on the receipt PDF, and searched for everywhere).
    assert found.pop(person.ip) == []
    found.pop(person.national)
    assert all(found.values()), found
    assert traces(db, [kept.ip])[kept.ip] == ["sms_consents"]
    assert any(p.startswith("reports.chunks") for p in found[person.name])  # the receipt PDF
    assert "audit_log" in found[person.name] and "sent_box" in found[person.street]
    assert db["photos.files"].count_documents({"metadata.job_id": person.job_ids[0]}) == 1
    assert db["reports.files"].count_documents({"metadata.client_id": person.client_id}) == 1
    books = _books(db, shop)

    counts = erase_client(db, actor=shop.admin, client_id=str(person.client_id))

    assert counts["jobs_anonymized"] == 2 and counts["files"] == 2  # photo and receipt
    assert traces(db, person.needles()) == {needle: [] for needle in person.needles()}
    # An opt-out is kept as the number's keyed hash and the time, nothing else.
    optout = db["sms_consents"].find_one({"company_id": shop.company_id,
                                          "phone": phone_pseudonym(person.phone)})
    assert set(optout) == {"_id", "company_id", "phone", "status", "opted_out_at",
                           "updated_at"} and optout["status"] == "opted_out"
    assert "replied STOP" in block_reason(db, company=shop.company, phone=person.phone)
    assert db["email_suppressions"].find_one({"_id": email_pseudonym(person.email)})
    # Jobs and money stay under "Erased client": the books add up exactly as before.
    assert _books(db, shop) == books
    erased = db["jobs"].find_one({"_id": person.job_ids[0]})
    assert erased["client"]["name"] == ERASED_NAME and erased["finance"]["gross"] == 40000
    assert db["clients"].find_one({"_id": person.client_id}) is None
    # Other people, here and at another company, are untouched.
    assert all(traces(db, [kept.name, kept.phone, kept.email, kept.street, kept.ip]).values())
    assert db["clients"].find_one({"_id": kept.client_id})["name"] == kept.name
    assert db["clients"].find_one({"_id": elsewhere.client_id})["name"] == kept.name
    assert AuditChain(db).verify(shop.company_id)[0]
    assert db["audit_log"].find_one({"company_id": shop.company_id, "action": "client.erased"})


def test_the_erase_screen_finds_a_client_by_name_phone_or_email(db):
    shop = open_shop(db, "Acme Locks", SHOP_NUMBER)
    person = give_the_full_story(db, shop, zelda(), stop=False)
    for query in ("zelda", "Zelda Quist", "(212) 555-0142", "+1 212 555 0142",
                  "ZELDA.QUIST@mail.test"):
        found = find_clients_to_erase(db, actor=shop.admin, query=query)
        assert [m.id for m in found.matches] == [str(person.client_id)], query
        assert found.matches[0].email == person.email
    assert find_clients_to_erase(db, actor=shop.admin, query="nobody@mail.test").matches == []
    with pytest.raises(ValidationError, match="name, phone number or email"):
        find_clients_to_erase(db, actor=shop.admin, query="   ")
    with pytest.raises(ValidationError, match="valid email"):
        find_clients_to_erase(db, actor=shop.admin, query="zelda@")
    office = actor_for(make_user(db, company=shop.company, role="user"))
    with pytest.raises(PermissionDenied):
        find_clients_to_erase(db, actor=office, query="zelda")


def test_a_number_that_opted_in_but_is_no_client_can_be_erased(db):
    shop = open_shop(db, "Acme Locks", SHOP_NUMBER)
    stranger = Person(name="", phone="+12125550163", national="(212) 555-0163", email="",
                      street="", ip="192.0.2.77")
    sms_opted_in(db, shop.company, stranger.national, ip=stranger.ip)
    text_from(db, shop, stranger.phone, "What are your hours?")
    needles = [stranger.phone, stranger.national, stranger.phone[2:], stranger.ip]
    assert all(places for needle, places in traces(db, needles).items()
               if needle != stranger.national)

    found = find_clients_to_erase(db, actor=shop.admin, query=stranger.national)
    assert found.matches == [] and found.number_has_data and found.phone == stranger.phone
    counts = erase_phone_number(db, actor=shop.admin, phone=found.phone)

    assert counts["sms_consents"] == 1 and counts["sms_inbound"] == 1
    assert traces(db, needles) == {needle: [] for needle in needles}
    # Opted in, so even the opt-in proof goes: no record of the number at all.
    assert db["sms_consents"].count_documents({"company_id": shop.company_id,
                                               "phone": phone_pseudonym(stranger.phone)}) == 0
    assert "has not agreed to texts" in block_reason(db, company=shop.company, phone=stranger.phone)
    assert AuditChain(db).verify(shop.company_id)[0]
    assert not find_clients_to_erase(db, actor=shop.admin, query=stranger.phone).number_has_data


def test_erasing_a_clients_number_is_refused_and_a_stopped_number_stays_suppressed(db):
    shop = open_shop(db, "Acme Locks", SHOP_NUMBER)
    person = give_the_full_story(db, shop, zelda(), stop=False)
    with pytest.raises(Conflict, match="erase that client"):
        erase_phone_number(db, actor=shop.admin, phone=person.national)
    with pytest.raises(ValidationError):
        erase_phone_number(db, actor=shop.admin, phone="12")
    sms_opted_in(db, shop.company, "(212) 555-0188", ip="192.0.2.8")
    assert text_from(db, shop, "+12125550188", "stop") == "opted_out"
    erase_phone_number(db, actor=shop.admin, phone="+12125550188")
    assert traces(db, ["+12125550188", "2125550188", "192.0.2.8"]) == {
        "+12125550188": [], "2125550188": [], "192.0.2.8": []}
    assert "replied STOP" in block_reason(db, company=shop.company, phone="+12125550188")


def test_only_an_admin_of_the_company_can_erase(db):
    shop = open_shop(db, "Acme Locks", SHOP_NUMBER)
    other = open_shop(db, "Other Locks", OTHER_SHOP_NUMBER)
    person = give_the_full_story(db, shop, zelda(), stop=False)
    office = actor_for(make_user(db, company=shop.company, role="user"))
    with pytest.raises(PermissionDenied):
        erase_client(db, actor=office, client_id=str(person.client_id))
    with pytest.raises(NotFound):
        erase_client(db, actor=other.admin, client_id=str(person.client_id))
    with pytest.raises(PermissionDenied):
        erase_phone_number(db, actor=office, phone="+12125550199")
    assert db["clients"].find_one({"_id": person.client_id})["name"] == person.name


def test_a_receipt_stored_before_receipts_named_their_job_is_erased_too(db):
    from iprodash.services.reports import generate_report

    shop = open_shop(db, "Acme Locks", SHOP_NUMBER)
    person = give_the_full_story(db, shop, zelda(), stop=False)
    number = db["jobs"].find_one({"_id": person.job_ids[0]})["number"]
    made = generate_report(db=db, actor=shop.admin, kind="receipt", job=f"#{number}")
    # As an older version stored it: no job or client in the metadata.
    db["reports.files"].update_many({}, {"$unset": {"metadata.job_id": "",
                                                    "metadata.client_id": ""}})
    assert any(p.startswith("reports.chunks") for p in traces(db, [person.name])[person.name])

    erase_client(db, actor=shop.admin, client_id=str(person.client_id))

    assert db["reports.files"].count_documents({}) == 0, made.id
    assert traces(db, [person.name])[person.name] == []

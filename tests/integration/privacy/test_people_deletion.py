"""Deleting a person (a technician or a staff user): nothing of them is left in any
collection or GridFS file, their jobs and payouts stay under "Former technician N" /
"Former user N", and the audit chain still verifies. Data is made through the services."""

from __future__ import annotations

import pytest

from iprodash.domain.errors import (Conflict, NotAuthenticated, NotFound, PermissionDenied,
                                    ValidationError)
from iprodash.repositories.audit import AuditChain
from iprodash.services import (api_keys, auth, job_lifecycle, jobs, privacy_export, settlements,
                               support, technician_access, technician_portal, users)
from iprodash.services.job_forms import JobForm
from iprodash.services.people_deletion import (delete_my_account, delete_technician,
                                               delete_user, operator_delete_person)
from iprodash.services.technicians import (TechnicianForm, create_technician, list_technicians,
                                           update_technician)
from tests.factories import PASSWORD, actor_for, make_user, operator
from tests.integration.privacy.people import (Person, _tomorrow, give_the_full_story,
                                              open_shop, render_pdfs_in_process, traces)

SHOP_NUMBER = "+12125550100"
TECH = dict(name="Tobias Wrenfield", phone="+12125550177", national="(212) 555-0177",
            email="tobias.wrenfield@mail.test", ip="198.51.100.77")
STAFF = dict(name="Ursula Pennywhistle", email="ursula.pennywhistle@mail.test",
             phone="+13125550188", national="(312) 555-0188", ip="192.0.2.188")


@pytest.fixture(autouse=True)
def _pdfs(monkeypatch):
    render_pdfs_in_process(monkeypatch)


def client() -> Person:
    return Person(name="Zelda Quist", phone="+12125550142", national="(212) 555-0142",
                  email="zelda.quist@mail.test", street="77 Juniper Lane", ip="203.0.113.9")


def _technician_at_work(db, shop):
    """The technician's whole footprint: link, session, notes, job moves, a payout."""
    update_technician(db, actor=shop.admin, technician_id=shop.technician_id, form=TechnicianForm(
        name=TECH["name"], nickname="Tobias", phone=TECH["national"], email=TECH["email"],
        commission_percent="40"))
    story = give_the_full_story(db, shop, client(), stop=False)
    technician_access.send_technician_link(db, actor=shop.admin, technician_id=shop.technician_id)
    token = technician_access.create_technician_link(db, actor=shop.admin,
                                                     technician_id=shop.technician_id)
    session = technician_access.open_technician_link(
        db, token=token.rsplit("/", 1)[-1].split("?")[0], ip=TECH["ip"],
        user_agent="Phone browser")
    tech = auth.authenticate(db, token=session, ip=TECH["ip"])
    second = str(story.job_ids[1])
    job_lifecycle.change_status(db, actor=shop.admin, job_id=second, target="scheduled")
    technician_portal.move_my_job(db, actor=tech, job_id=second, target="en_route")
    technician_portal.add_my_note(db, actor=tech, job_id=second,
                                  text="Tobias here: gate was open")
    settlements.record_payout(db=db, actor=shop.admin, technician_id=shop.technician_id,
                              period="this_month", amount="155.20", method="zelle")
    return story


def test_deleting_a_technician_leaves_nothing_of_them_and_keeps_the_books(db):
    shop = open_shop(db, "Acme Locks", SHOP_NUMBER, tech_name=TECH["name"],
                     tech_phone=TECH["national"], tech_ip=TECH["ip"])
    story = _technician_at_work(db, shop)
    needles = [TECH["name"], TECH["phone"], TECH["national"], TECH["email"], TECH["ip"]]
    found = traces(db, needles)
    found.pop(TECH["national"])  # stored only in E.164; searched for after in case it shows
    assert all(found.values()), found  # the search can fail: each is stored before
    money = list(db["jobs"].find({"company_id": shop.company_id}, {"finance": 1, "payments": 1})
                 .sort("_id", 1))
    payouts = settlements.list_payouts(db=db, actor=shop.admin)
    assert payouts[0].technician == TECH["name"]

    label = delete_technician(db, actor=shop.admin, technician_id=shop.technician_id)

    assert label == "Former technician 1"
    assert traces(db, needles) == {needle: [] for needle in needles}
    assert list(db["jobs"].find({"company_id": shop.company_id}, {"finance": 1, "payments": 1})
                .sort("_id", 1)) == money
    assert settlements.list_payouts(db=db, actor=shop.admin)[0].technician == label
    job = jobs.job_document(db, actor=shop.admin, job_id=str(story.job_ids[1]))
    assert job["technician_id"] is not None
    rows, _ = list_technicians(db, actor=shop.admin)
    assert [(r.name, r.active, r.phone, r.email) for r in rows] == [(label, False, "", "")]
    assert AuditChain(db).verify(shop.company_id)[0]
    entry = db["audit_log"].find_one({"company_id": shop.company_id,
                                      "action": "technician.deleted"})
    assert entry["target_id"] == shop.technician_id and entry["after"] == {"shown_as": label}
    with pytest.raises(NotFound):
        delete_technician(db, actor=shop.admin, technician_id=shop.technician_id)


def test_former_technician_numbers_count_per_company(db):
    shop = open_shop(db, "Acme Locks", SHOP_NUMBER)
    other = open_shop(db, "Other Locks", "+13125550100")
    extra = create_technician(db, actor=shop.admin, form=TechnicianForm(name="Second Tech",
                                                                   phone="(212) 555-0166"))
    assert delete_technician(db, actor=shop.admin, technician_id=shop.technician_id) == \
        "Former technician 1"
    assert delete_technician(db, actor=shop.admin, technician_id=extra.id) == \
        "Former technician 2"
    assert delete_technician(db, actor=other.admin, technician_id=other.technician_id) == \
        "Former technician 1"
    with pytest.raises(NotFound):  # another company's technician
        delete_technician(db, actor=other.admin, technician_id=extra.id)


def _staff_at_work(db, shop) -> dict:
    """A second admin's footprint: sign-ins, a reset, job changes, a key, a ticket, an export."""
    user = make_user(db, company=shop.company, role="company_admin", email=STAFF["email"])
    actor = actor_for(user)
    users.update_profile(db, actor=actor, name=STAFF["name"], phone=STAFF["national"])
    actor = actor_for({**user, "name": STAFF["name"]})
    with pytest.raises(NotAuthenticated):
        auth.login(db, email=STAFF["email"], password="wrong password", ip=STAFF["ip"])
    auth.login(db, email=STAFF["email"], password=PASSWORD, ip=STAFF["ip"],
               user_agent="Desk browser")
    auth.request_password_reset(db, email=STAFF["email"], ip=STAFF["ip"])
    job = jobs.create_job(db, actor=actor, form=JobForm(
        client_name="Walk In", client_phone="(212) 555-0190", job_type="Rekey",
        address_line="5 Main St", city="Springfield", state="NY", zip="10001",
        date=_tomorrow(shop), start_time="09:00", end_time="10:00")).job
    job_lifecycle.change_status(db, actor=actor, job_id=str(job["_id"]), target="scheduled")
    api_keys.create_api_key(db, actor=actor, name="Zapier", scopes=["read"])
    support.open_ticket(db, actor=actor, subject="Help", message="Ursula needs help")
    export_id = privacy_export.request_personal_export(db, actor=actor)
    privacy_export.build_export(db, export_id=export_id)
    return {"user": user, "actor": actor, "job": job}


def test_an_admin_deletes_a_staff_user_and_nothing_of_them_stays(db):
    shop = open_shop(db, "Acme Locks", SHOP_NUMBER)
    staff = _staff_at_work(db, shop)
    needles = [STAFF["name"], STAFF["email"], STAFF["phone"], STAFF["ip"]]
    found = traces(db, needles)
    assert all(found.values()), found

    label = delete_user(db, actor=shop.admin, user_id=str(staff["user"]["_id"]))

    assert label == "Former user 1"
    assert traces(db, needles) == {needle: [] for needle in needles}
    job = db["jobs"].find_one({"_id": staff["job"]["_id"]})
    assert {h["by_name"] for h in job["status_history"]} == {label}
    assert str(staff["user"]["_id"]) not in {r.id for r in users.list_users(db, actor=shop.admin)}
    with pytest.raises(NotAuthenticated):
        auth.login(db, email=STAFF["email"], password=PASSWORD, ip="192.0.2.1")
    assert AuditChain(db).verify(shop.company_id)[0]
    entries = list(db["audit_log"].find({"company_id": shop.company_id,
                                         "actor_id": staff["user"]["_id"]}))
    assert entries and {e["actor_name"] for e in entries} == {label}


def test_the_last_admin_cannot_be_deleted_and_a_user_deletes_their_own_account(db):
    shop = open_shop(db, "Acme Locks", SHOP_NUMBER)
    admin_id = str(shop.admin.user_id)
    with pytest.raises(Conflict, match="your own account"):
        delete_user(db, actor=shop.admin, user_id=admin_id)
    with pytest.raises(Conflict, match="at least one active admin"):
        delete_my_account(db, actor=shop.admin, password=PASSWORD)
    office = actor_for(make_user(db, company=shop.company, role="user"))
    with pytest.raises(PermissionDenied):
        delete_user(db, actor=office, user_id=admin_id)
    with pytest.raises(ValidationError, match="password"):
        delete_my_account(db, actor=office, password="not it")
    assert delete_my_account(db, actor=office, password=PASSWORD) == "Former user 1"
    assert db["users"].find_one({"_id": office.user_id})["status"] == "deleted"
    assert db["users"].find_one({"_id": office.user_id}).get("password_hash") is None


def test_the_operator_deletes_a_person_at_once_by_email(db):
    shop = open_shop(db, "Acme Locks", SHOP_NUMBER)
    staff = _staff_at_work(db, shop)
    with pytest.raises(PermissionDenied):
        operator_delete_person(db, actor=shop.admin, email=STAFF["email"])
    with pytest.raises(NotFound):
        operator_delete_person(db, actor=operator(db), email="nobody@mail.test")
    done = operator_delete_person(db, actor=operator(db), email=STAFF["email"])
    assert done.deleted == 1 and "Former user 1" in done.message
    assert traces(db, [STAFF["name"], STAFF["email"]]) == {STAFF["name"]: [],
                                                          STAFF["email"]: []}
    assert db["users"].find_one({"_id": staff["user"]["_id"]})["name"] == "Former user 1"

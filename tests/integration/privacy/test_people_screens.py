"""The people screens' handlers: each checks the caller through the session, answers bad
input with a sentence and changes nothing then (profile, users, technicians, sign-in
log, the operator's delete)."""

from __future__ import annotations

from bson import ObjectId

from iprodash.services import auth
from state.operator_people import OperatorPeopleState
from state.profile import ProfileState
from state.technicians import TechniciansState
from state.usage_log import UsageLogState
from state.users import UsersState
from tests.factories import PASSWORD, make_user
from tests.integration.privacy.people import open_shop
from tests.integration.tabs import Tab, call


def _tab(db, user: dict, state_class):
    return Tab.signed_in(db, user).at(state_class, "/")


def test_profile_email_change_and_account_deletion(db):
    shop = open_shop(db, "Acme Locks", "+12125550100")
    user = make_user(db, company=shop.company)
    tab = _tab(db, user, ProfileState)
    call(tab, "load")
    assert tab.email == user["email"]
    call(tab, "change_email", {"new_email": "not an email", "email_password": PASSWORD})
    assert tab.email_error and not tab.email_message
    call(tab, "change_email", {"new_email": "fresh@mail.test", "email_password": PASSWORD})
    assert "fresh@mail.test" in tab.email_message and not tab.email_error
    call(tab, "delete_account", {"delete_password": "wrong"})
    assert "password" in tab.delete_error
    assert db["users"].find_one({"_id": user["_id"]})["status"] == "active"
    call(tab, "delete_account", {"delete_password": PASSWORD})
    assert db["users"].find_one({"_id": user["_id"]})["status"] == "deleted"


def test_users_and_technicians_delete_buttons_are_for_admins(db):
    shop = open_shop(db, "Acme Locks", "+12125550100")
    office_user = make_user(db, company=shop.company)
    office = _tab(db, office_user, TechniciansState)
    assert "error" in repr(call(office, "delete", shop.technician_id)).lower()
    assert db["technicians"].find_one({"_id": ObjectId(shop.technician_id)})["name"] == \
        "Tom Tech"  # nothing changed
    admin_user = db["users"].find_one({"_id": shop.admin.user_id})
    admin = _tab(db, admin_user, TechniciansState)
    call(admin, "load")
    assert "Former technician 1" in repr(call(admin, "delete", shop.technician_id))
    users_tab = _tab(db, admin_user, UsersState)
    assert "at least one active admin" not in repr(
        call(users_tab, "delete_user", str(office_user["_id"])))
    assert db["users"].find_one({"_id": office_user["_id"]})["status"] == "deleted"


def test_sign_in_log_filters_answer_with_a_sentence(db):
    shop = open_shop(db, "Acme Locks", "+12125550100")
    admin_user = db["users"].find_one({"_id": shop.admin.user_id})
    auth.login(db, email=admin_user["email"], password=PASSWORD, ip="192.0.2.3")
    tab = _tab(db, admin_user, UsageLogState)
    call(tab, "load")
    assert [r["kind"] for r in tab.rows] == ["Signed in"]
    call(tab, "apply", {"kind": "all", "person": "all", "start": "3000-01-01", "end": ""})
    assert "2000 and 2100" in tab.error and tab.start == "" and len(tab.rows) == 1
    office = _tab(db, make_user(db, company=shop.company), UsageLogState)
    call(office, "load")
    assert office.rows == []


def test_the_operator_deletes_by_email_only_when_confirmed(db):
    shop = open_shop(db, "Acme Locks", "+12125550100")
    person = make_user(db, company=shop.company)
    operator_user = make_user(db, company=None, role="operator")
    tab = _tab(db, operator_user, OperatorPeopleState)
    call(tab, "load")
    call(tab, "delete_person", {"email": person["email"], "confirm": "yes"})
    assert "Type DELETE" in tab.delete_error
    assert db["users"].find_one({"_id": person["_id"]})["status"] == "active"
    call(tab, "delete_person", {"email": person["email"], "confirm": "DELETE"})
    assert "Former user 1" in tab.delete_message
    admin_tab = _tab(db, db["users"].find_one({"_id": shop.admin.user_id}),
                     OperatorPeopleState)
    call(admin_tab, "delete_person", {"email": "x@mail.test", "confirm": "DELETE"})
    assert admin_tab.delete_message == ""

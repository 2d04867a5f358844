"""The texting chip's and the forms' consent handlers, called as the browser calls them."""

from __future__ import annotations

from iprodash.services.sms_optouts import consent_for
from state.job_form import NewJobState
from state.technicians import TechniciansState
from state.texting_chip import TextingChipState
from tests.factories import make_company, make_user
from tests.integration.messaging.conftest import CLIENT_PHONE
from tests.integration.tabs import Tab, call

TECH_PHONE = "+12125550188"


def _tab(db, user: dict, state_class, path: str = "/jobs"):
    return Tab.signed_in(db, user).at(state_class, path)


def _book(db, user, *, agreed: bool) -> str:
    form = _tab(db, user, NewJobState, "/jobs/new")
    data = {"client_name": "Maria Lopez", "client_phone": "(212) 555-0123",
            "address_line": "12 Main St", "city": "Springfield", "state": "NY", "zip": "10001",
            "job_type": "Lockout"}
    if agreed:
        data["texts_agreed"] = "on"
    events = call(form, "save", data)
    assert form.form_error == "", form.form_error
    return str(db["jobs"].find_one({"client.name": "Maria Lopez"}, sort=[("_id", -1)])["_id"]), \
        repr(events)


def test_booking_with_the_box_ticked_records_consent_and_the_chip_says_texts_on(db, company):
    user = make_user(db, company=company)
    job_id, events = _book(db, user, agreed=True)
    assert "welcome text is on its way" in events
    consent = consent_for(db, company["_id"], CLIENT_PHONE)
    assert consent["opted_in_method"] == "staff_recorded"
    assert consent["opted_in_by"] == str(user["_id"])
    chip = _tab(db, user, TextingChipState, f"/jobs/{job_id}")
    call(chip, "load_job_from_path")
    assert chip.status["label"] == "Texts: on" and chip.status["can_stop"]
    assert db["outbox"].count_documents({"kind": "opt_in_confirmation"}) == 1


def test_not_agreed_chip_records_consent_through_the_dialog_then_stops(db, company):
    user = make_user(db, company=company)
    job_id, _ = _book(db, user, agreed=False)
    assert consent_for(db, company["_id"], CLIENT_PHONE) is None
    chip = _tab(db, user, TextingChipState, f"/jobs/{job_id}")
    call(chip, "load_job_from_path")
    assert (chip.status["label"], chip.status["can_record"]) == ("Not agreed yet", True)
    call(chip, "open_record")
    assert chip.record_open
    assert "welcome text" in repr(call(chip, "confirm_record"))
    assert not chip.record_open and chip.status["state"] == "on"

    call(chip, "open_stop")
    assert chip.stop_open
    assert "Texts stopped" in repr(call(chip, "confirm_stop"))
    assert chip.status["state"] == "stopped" and chip.status["label"].startswith("Stopped on ")
    assert consent_for(db, company["_id"], CLIENT_PHONE)["opted_out_method"] == "staff_recorded"
    # Stopped: recording consent again is refused in the dialog with a sentence.
    call(chip, "confirm_record")
    assert "text START" in chip.dialog_error
    assert consent_for(db, company["_id"], CLIENT_PHONE)["status"] == "opted_out"


def test_another_companys_job_shows_nothing_and_changes_nothing(db, company):
    job_id, _ = _book(db, make_user(db, company=company), agreed=False)
    stranger = make_user(db, company=make_company(db, name="Other Co"), role="company_admin")
    chip = _tab(db, stranger, TextingChipState)
    assert "does not exist" in repr(call(chip, "show", "job", job_id))
    assert chip.status["state"] == ""
    chip.kind, chip.subject_id = "job", job_id  # as a crafted socket message could set them
    assert "does not exist" in repr(call(chip, "confirm_stop"))
    assert "does not exist" in repr(call(chip, "confirm_record"))
    assert consent_for(db, company["_id"], CLIENT_PHONE) is None
    assert "job, a client or a technician" in repr(call(chip, "show", "users", job_id))


def test_technician_form_box_records_in_person_consent(db, company):
    admin = make_user(db, company=company, role="company_admin")
    page = _tab(db, admin, TechniciansState, "/technicians")
    call(page, "open_new")
    call(page, "save", {"name": "Samuel Stone", "phone": "(212) 555-0188",
                         "commission_percent": "40", "job_fee": "0", "color": "#3366ff",
                         "texts_agreed": "on"})
    assert page.form_error == ""
    consent = consent_for(db, company["_id"], TECH_PHONE)
    assert (consent["opted_in_method"], consent["opted_in_via"]) == ("staff_recorded",
                                                                     "in_person")
    call(page, "save", {"name": "Ann Other", "phone": "(212) 555-0189",
                         "commission_percent": "40", "job_fee": "0", "color": "#3366ff"})
    assert consent_for(db, company["_id"], "+12125550189") is None

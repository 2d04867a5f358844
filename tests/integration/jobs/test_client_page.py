"""The client page's service: jobs with their money (paged), the note with its
audit entry, the correction history and the consent status."""

from __future__ import annotations

import pytest

from iprodash.domain.errors import NotFound, ValidationError
from iprodash.domain.line_items import Payment
from iprodash.services import client_page
from iprodash.services.clients import ClientForm, update_client
from tests.factories import sms_opted_in


def _client_id(shop, job: dict) -> str:
    return str(job["client_id"])


def test_jobs_show_their_money_newest_first_and_page(shop):
    closed = shop.closed_job(payments=[Payment("card", 25000, "company")],
                             technician_id=shop.technician().id)
    client_id = _client_id(shop, closed)
    booked = shop.job(client_id=client_id)
    rows, has_next = client_page.client_jobs(shop.db, actor=shop.user, client_id=client_id)
    assert not has_next
    assert [(r["id"], r["status"], r["price"], r["paid"]) for r in rows] == [
        (str(booked["_id"]), "new", "", ""),
        (str(closed["_id"]), "closed", "$250.00", "$250.00")]
    assert rows[1]["when"].startswith("Mon Jun 2, 2025")

    for _ in range(client_page.JOBS_PAGE):
        shop.job(client_id=client_id)
    first, has_next = client_page.client_jobs(shop.db, actor=shop.user, client_id=client_id)
    assert has_next and len(first) == client_page.JOBS_PAGE
    second, has_next = client_page.client_jobs(shop.db, actor=shop.user, client_id=client_id,
                                               before_id=first[-1]["id"])
    assert not has_next and [r["id"] for r in second] == [str(booked["_id"]),
                                                          str(closed["_id"])]


def test_another_client_job_is_not_on_the_page(shop):
    mine = shop.job()
    shop.job(client_name="Bob Other", client_phone="(212) 555-0177")
    rows, _ = client_page.client_jobs(shop.db, actor=shop.user, client_id=_client_id(shop, mine))
    assert [r["id"] for r in rows] == [str(mine["_id"])]


def test_the_note_is_saved_with_an_audit_entry_and_shows_in_the_history(shop):
    client_id = _client_id(shop, shop.job())
    client_page.save_client_note(shop.db, actor=shop.user, client_id=client_id,
                                 note="  Gate code 4411; dog in the yard.  ")
    profile = client_page.client_profile(shop.db, actor=shop.user, client_id=client_id)
    assert profile.note == "Gate code 4411; dog in the yard."
    entry = shop.db["audit_log"].find_one({"action": "client.updated", "target_id": client_id})
    assert entry["after"] == {"note": "Gate code 4411; dog in the yard."}
    assert entry["actor_id"] == shop.user.user_id

    # The same note again writes nothing.
    client_page.save_client_note(shop.db, actor=shop.user, client_id=client_id,
                                 note="Gate code 4411; dog in the yard.")
    assert shop.db["audit_log"].count_documents({"action": "client.updated",
                                                 "target_id": client_id}) == 1
    with pytest.raises(ValidationError):
        client_page.save_client_note(shop.db, actor=shop.user, client_id=client_id,
                                     note="x" * (client_page.MAX_NOTE + 1))
    assert client_page.client_profile(shop.db, actor=shop.user,
                                      client_id=client_id).note.startswith("Gate code")


def test_corrections_of_contact_details_are_listed_newest_first(shop):
    client_id = _client_id(shop, shop.job())
    update_client(shop.db, actor=shop.admin, client_id=client_id, form=ClientForm(
        name="Ann Lee-Park", phone="(212) 555-0100", email="ann@example.com"))
    history = client_page.contact_history(shop.db, actor=shop.user, client_id=client_id)
    assert [h["what"] for h in history] == ["Changed", "Added"]
    assert "Ann Lee → Ann Lee-Park" in history[0]["changes"]
    assert history[0]["who"] and history[0]["when"]


def test_consent_status_reads_the_consent_ledger(shop):
    job = shop.job()
    client_id = _client_id(shop, job)
    profile = client_page.client_profile(shop.db, actor=shop.user, client_id=client_id)
    assert profile.consent.startswith("Not agreed to texts yet") and profile.thread == "12125550100"
    sms_opted_in(shop.db, shop.company, "+12125550100")
    assert client_page.client_profile(shop.db, actor=shop.user,
                                      client_id=client_id).consent.startswith("Agreed to texts")


def test_another_company_cannot_open_the_client(shop, other_shop):
    client_id = _client_id(shop, shop.job())
    with pytest.raises(NotFound):
        client_page.client_profile(shop.db, actor=other_shop.user, client_id=client_id)
    with pytest.raises(NotFound):
        client_page.client_jobs(shop.db, actor=other_shop.user, client_id=client_id)
    with pytest.raises(NotFound):
        client_page.save_client_note(shop.db, actor=other_shop.user, client_id=client_id,
                                     note="hi")

"""The dispatch board as the office uses it: an ASAP lockout call booked with no
date waits in "Needs scheduling"; the dispatcher drags it with the mouse onto a
technician's 2 PM slot, sees it there and on the job page, then moves it to
another technician and time with the "Move…" dialog instead of dragging."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from iprodash.domain.clock import company_today
from iprodash.services import jobs
from iprodash.services.job_forms import JobForm
from iprodash.services.technicians import TechnicianForm, create_technician
from tests.e2e.conftest import login
from tests.factories import actor_for


def _setup(app_db):
    admin = actor_for(app_db["users"].find_one({"email": "admin@demo.test"}))
    company = app_db["companies"].find_one({"_id": admin.company_id})
    drew = create_technician(app_db, actor=admin, form=TechnicianForm(
        name="Drew Dragtest", nickname="Drew", phone="(212) 555-0171", commission_percent="40",
        job_fee="0"))
    kim = create_technician(app_db, actor=admin, form=TechnicianForm(
        name="Kim Keyboard", nickname="Kim", phone="(212) 555-0172", commission_percent="40",
        job_fee="0"))
    job = jobs.create_job(app_db, actor=admin, form=JobForm(
        client_name="Asa Asap", client_phone="(212) 555-0173", address_line="4 Pine St",
        city="Lakeside", state="NY", zip="10003", job_type="Lockout")).job
    return company_today(company), drew, kim, job


def _drag(page, source, target) -> None:
    """A real mouse drag in small steps (dnd-kit starts after a few pixels)."""
    source.scroll_into_view_if_needed()
    start = source.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + 20)
    page.mouse.down()
    page.mouse.move(start["x"] + start["width"] / 2 + 10, start["y"] + 30, steps=5)
    target.scroll_into_view_if_needed()
    end = target.bounding_box()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=25)
    page.mouse.up()


def test_drag_an_asap_job_onto_a_2pm_slot_then_move_it_with_the_dialog(page, app_db):
    today, drew, kim, job = _setup(app_db)
    login(page, "office@demo.test")
    page.goto(f"/board?view=day&day={today.isoformat()}")
    expect(page.get_by_role("heading", name=re.compile("^Dispatch board"))).to_be_visible()

    needs = page.locator("#needs-scheduling")
    card = needs.locator(f'[data-job-id="{job["_id"]}"]')
    expect(card).to_contain_text("Asa Asap")
    expect(card).to_contain_text("No date yet")
    two_pm = page.locator(f'[data-slot="{drew.id}|{today.isoformat()}T14:00"]')
    expect(two_pm).to_be_visible()
    _drag(page, card, two_pm)

    expect(page.get_by_text(f"Job #{job['number']} moved.")).to_be_visible()
    moved = app_db["jobs"].find_one({"_id": job["_id"]})
    assert str(moved["technician_id"]) == drew.id
    expect(two_pm).to_contain_text("Asa Asap")
    expect(two_pm).to_contain_text("2:00 PM - 3:00 PM")
    expect(needs.locator(f'[data-job-id="{job["_id"]}"]')).to_have_count(0)

    page.goto(f"/jobs/{job['_id']}")
    expect(page.get_by_text("Drew Dragtest").first).to_be_visible()
    expect(page.get_by_text(re.compile(r"2:00 PM - 3:00 PM")).first).to_be_visible()

    # Without dragging: the card's Move… button, then the dialog, by keyboard.
    page.goto(f"/board?view=day&day={today.isoformat()}")
    move = two_pm.get_by_role("button", name=f"Move job #{job['number']}")
    move.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name=f"Move job #{job['number']}")).to_be_visible()
    dialog.get_by_role("combobox", name="Move to technician").click()
    page.get_by_role("option", name="Kim Keyboard").click()
    dialog.get_by_label("Start time").fill("16:30")
    dialog.get_by_role("button", name="Move job").click()

    four_pm = page.locator(f'[data-slot="{kim.id}|{today.isoformat()}T16:00"]')
    expect(four_pm).to_contain_text("Asa Asap")
    expect(four_pm).to_contain_text("4:30 PM - 5:30 PM")
    expect(two_pm).not_to_contain_text("Asa Asap")

    # The week view shows it on today's column in Kim's row.
    page.get_by_role("button", name="Week", exact=True).click()
    page.wait_for_url(re.compile(r"view=week"))
    week_cell = page.locator(f'[data-slot="{kim.id}|{today.isoformat()}"]')
    expect(week_cell).to_contain_text("Asa Asap")


def test_board_on_a_phone_is_a_stacked_list_without_sideways_scrolling(phone_page, app_db):
    login(phone_page, "office@demo.test")
    phone_page.goto("/board")
    expect(phone_page.get_by_role("heading", name="Needs scheduling")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the board scrolls sideways on a phone ({width}px wide)"

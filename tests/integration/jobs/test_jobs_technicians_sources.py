"""Technicians and lead sources through their services, on the real database."""

from __future__ import annotations

import pytest
from bson import ObjectId

from iprodash.domain.errors import NotFound, PermissionDenied, ValidationError
from iprodash.services import lead_sources, technicians
from iprodash.services.lead_sources import LeadSourceForm
from iprodash.services.technicians import TechnicianForm


def test_admin_creates_technician_with_parsed_rates(shop):
    tech = shop.technician(name="Tom Tech", percent="37.5", fee="5", phone="212.555.0111")
    assert tech.phone == "+12125550111" and tech.phone_display == "(212) 555-0111"
    assert tech.commission_bp == 3750 and tech.job_fee_cents == 500 and tech.active
    doc = shop.db["technicians"].find_one({"_id": ObjectId(tech.id)})
    assert doc["company_id"] == shop.company["_id"] and doc["phone_digits"] == "12125550111"
    entry = shop.db["audit_log"].find_one({"action": "technician.created"})
    assert entry["target_id"] == tech.id


def test_office_user_reads_but_cannot_change_technicians(shop):
    tech = shop.technician()
    rows, has_next = technicians.list_technicians(shop.db, actor=shop.user)
    assert [r.name for r in rows] == ["Tom Tech"] and not has_next
    form = TechnicianForm(name="X", phone="(212) 555-0123")
    with pytest.raises(PermissionDenied):
        technicians.create_technician(shop.db, actor=shop.user, form=form)
    with pytest.raises(PermissionDenied):
        technicians.update_technician(shop.db, actor=shop.user, technician_id=tech.id, form=form)
    with pytest.raises(PermissionDenied):
        technicians.set_technician_active(shop.db, actor=shop.user, technician_id=tech.id,
                                          active=False)


def test_bad_technician_input_saves_nothing(shop):
    for form, field in ((TechnicianForm(name="", phone="(212) 555-0111"), "name"),
                        (TechnicianForm(name="A", phone="12"), "phone"),
                        (TechnicianForm(name="A", phone="(212) 555-0111",
                                        commission_percent="120"), "commission_percent"),
                        (TechnicianForm(name="A", phone="(212) 555-0111", color="red"), "color")):
        with pytest.raises(ValidationError) as error:
            technicians.create_technician(shop.db, actor=shop.admin, form=form)
        assert error.value.field == field
    assert shop.db["technicians"].count_documents({}) == 0


def test_deactivate_hides_from_choices_and_reactivate_restores(shop):
    tom, sam = shop.technician("Tom Tech"), shop.technician("Sam Smith")
    technicians.set_technician_active(shop.db, actor=shop.admin, technician_id=tom.id,
                                      active=False)
    choices = technicians.technician_choices(shop.db, actor=shop.user)
    assert [c.name for c in choices] == ["Sam Smith"]
    inactive, _ = technicians.list_technicians(shop.db, actor=shop.user, active=False)
    assert [r.name for r in inactive] == ["Tom Tech"]
    technicians.set_technician_active(shop.db, actor=shop.admin, technician_id=tom.id,
                                      active=True)
    assert len(technicians.technician_choices(shop.db, actor=shop.user)) == 2
    assert shop.db["technicians"].count_documents({}) == 2
    assert sam.active


def test_technician_pages_return_every_row_once(shop):
    names = [f"Tech {n:02d}" for n in range(30)] + ["Tech 05"]  # a duplicate name
    for name in names:
        shop.technician(name=name)
    seen, after = [], None
    while True:
        rows, has_next = technicians.list_technicians(shop.db, actor=shop.user, after=after)
        seen += rows
        if not has_next:
            break
        after = (rows[-1].name, rows[-1].id)
    assert sorted(r.name for r in seen) == sorted(names)
    assert len({r.id for r in seen}) == len(names)


def test_another_companys_technician_is_not_found(shop, other_shop):
    theirs = other_shop.technician()
    form = TechnicianForm(name="Mine now", phone="(212) 555-0199")
    with pytest.raises(NotFound):
        technicians.get_technician(shop.db, actor=shop.admin, technician_id=theirs.id)
    with pytest.raises(NotFound):
        technicians.update_technician(shop.db, actor=shop.admin, technician_id=theirs.id,
                                      form=form)
    with pytest.raises(NotFound):
        technicians.set_technician_active(shop.db, actor=shop.admin, technician_id=theirs.id,
                                          active=False)
    assert technicians.get_technician(shop.db, actor=other_shop.admin,
                                      technician_id=theirs.id).name == "Tom Tech"


def test_lead_source_kinds_and_permissions(shop, other_shop):
    percent = shop.source("Google Ads", kind="percent", percent="10")
    fixed = shop.source("Yelp", kind="fixed", fixed="20")
    assert (percent.rate_bp, percent.fixed_cents, percent.commission_text) == (
        1000, 0, "10% of net")
    assert (fixed.rate_bp, fixed.fixed_cents, fixed.commission_text) == (
        0, 2000, "$20.00 per closed job")
    with pytest.raises(ValidationError):
        lead_sources.create_lead_source(shop.db, actor=shop.admin,
                                        form=LeadSourceForm(name="X", kind="barter"))
    with pytest.raises(PermissionDenied):
        lead_sources.create_lead_source(shop.db, actor=shop.user,
                                        form=LeadSourceForm(name="X"))
    rows, _ = lead_sources.list_lead_sources(shop.db, actor=shop.user)
    assert [r.name for r in rows] == ["Google Ads", "Yelp"]
    updated = lead_sources.update_lead_source(
        shop.db, actor=shop.admin, source_id=fixed.id,
        form=LeadSourceForm(name="Yelp", kind="percent", rate_percent="7.5"))
    assert (updated.kind, updated.rate_bp, updated.fixed_cents) == ("percent", 750, 0)
    lead_sources.set_lead_source_active(shop.db, actor=shop.admin, source_id=fixed.id,
                                        active=False)
    assert [c.name for c in lead_sources.lead_source_choices(shop.db, actor=shop.user)] == [
        "Google Ads"]
    for call in (lambda: lead_sources.get_lead_source(other_shop.db, actor=other_shop.admin,
                                                      source_id=percent.id),
                 lambda: lead_sources.update_lead_source(other_shop.db, actor=other_shop.admin,
                                                         source_id=percent.id,
                                                         form=LeadSourceForm(name="Mine")),
                 lambda: lead_sources.set_lead_source_active(other_shop.db,
                                                             actor=other_shop.admin,
                                                             source_id=percent.id,
                                                             active=False)):
        with pytest.raises(NotFound):
            call()

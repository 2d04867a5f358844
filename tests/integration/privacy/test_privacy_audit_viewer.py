"""The audit viewer filters by who, what, when and target, inside one company."""

from __future__ import annotations

from datetime import timedelta

import pytest

from iprodash.domain.errors import ValidationError
from iprodash.repositories.base import utcnow
from iprodash.services import audit_log, company_settings, users
from tests.factories import actor_for, make_company, make_user


def _rename(db, actor, name: str) -> None:
    company_settings.update_company_settings(
        db, actor=actor, name=name, phone="312-555-0100", admin_email="a@b.test",
        timezone="America/Chicago", card_fee_percent="3")


def test_filters_by_who_what_when_and_target(db):
    company, other = make_company(db), make_company(db)
    first = actor_for(make_user(db, company=company, role="company_admin"))
    second = actor_for(make_user(db, company=company, role="company_admin"))
    pending = make_user(db, company=company, status="pending")
    _rename(db, first, "One")
    _rename(db, second, "Two")
    users.approve_user(db, actor=second, user_id=str(pending["_id"]))
    _rename(db, actor_for(make_user(db, company=other, role="company_admin")), "Elsewhere")

    everything = audit_log.list_audit(db, actor=first)
    assert [r.action for r in everything] == ["user.approved", "company.settings_updated",
                                              "company.settings_updated"]
    by_second = audit_log.list_audit(db, actor=first, actor_id=str(second.user_id))
    assert {r.who for r in by_second} == {second.name} and len(by_second) == 2
    assert [r.action for r in audit_log.list_audit(db, actor=first, action="user.")] == [
        "user.approved"]
    about_user = audit_log.list_audit(db, actor=first, target_type="user",
                                      target_id=str(pending["_id"]))
    assert [r.action for r in about_user] == ["user.approved"]
    today = utcnow().strftime("%Y-%m-%d")
    tomorrow = (utcnow() + timedelta(days=1)).strftime("%Y-%m-%d")
    assert len(audit_log.list_audit(db, actor=first, date_from=today, date_to=today)) == 3
    assert audit_log.list_audit(db, actor=first, date_from=tomorrow) == []
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        audit_log.list_audit(db, actor=first, date_from="31/12/2025")
    people = {p["name"] for p in audit_log.audit_people(db, actor=first)}
    assert people == {first.name, second.name, pending["name"]}

"""The sign-in log: a company admin reads their company's sign-ins (paged, filtered by
kind, person and dates in the company's time zone); the operator sees counts only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from iprodash.domain.errors import NotAuthenticated, PermissionDenied, ValidationError
from iprodash.domain.clock import company_today
from iprodash.services import auth
from iprodash.services.usage_log import (PAGE_SIZE, SignInFilters, list_sign_ins,
                                         platform_sign_in_counts, sign_in_people)
from tests.factories import PASSWORD, actor_for, make_company, make_user, operator


def _sign_in(db, user, *, ok: bool = True, ip: str = "192.0.2.10") -> None:
    if ok:
        auth.login(db, email=user["email"], password=PASSWORD, ip=ip,
                   user_agent="Mozilla/5.0 Test Browser")
    else:
        with pytest.raises(NotAuthenticated):
            auth.login(db, email=user["email"], password="wrong", ip=ip,
                       user_agent="Mozilla/5.0 Test Browser")


def test_an_admin_reads_their_companys_sign_ins_and_no_one_elses(db):
    company, other = make_company(db), make_company(db)
    admin = make_user(db, company=company, role="company_admin")
    office = make_user(db, company=company)
    stranger = make_user(db, company=other)
    _sign_in(db, office)
    _sign_in(db, office, ok=False, ip="198.51.100.9")
    _sign_in(db, stranger)
    page = list_sign_ins(db, actor=actor_for(admin), filters=SignInFilters())
    assert [(r.kind, r.person, r.address, r.failed) for r in page.rows] == [
        ("Wrong password", office["name"], "198.51.100.9", True),
        ("Signed in", office["name"], "192.0.2.10", False)]
    assert page.rows[0].browser == "Mozilla/5.0 Test Browser" and page.next_cursor == ""
    only_failed = list_sign_ins(db, actor=actor_for(admin),
                                filters=SignInFilters(kind="login_failed"))
    assert [r.kind for r in only_failed.rows] == ["Wrong password"]
    assert (str(office["_id"]), office["name"]) in sign_in_people(db, actor=actor_for(admin))
    with pytest.raises(PermissionDenied):
        list_sign_ins(db, actor=actor_for(office), filters=SignInFilters())
    with pytest.raises(ValidationError, match="your company"):
        list_sign_ins(db, actor=actor_for(admin),
                      filters=SignInFilters(person=str(stranger["_id"])))
    with pytest.raises(ValidationError):
        list_sign_ins(db, actor=actor_for(admin), filters=SignInFilters(kind="everything"))


def test_the_log_pages_and_filters_by_person_and_day(db):
    company = make_company(db)
    admin = actor_for(make_user(db, company=company, role="company_admin"))
    office = make_user(db, company=company)
    other = make_user(db, company=company)
    for _ in range(PAGE_SIZE + 3):
        _sign_in(db, office)
    _sign_in(db, other)
    first = list_sign_ins(db, actor=admin, filters=SignInFilters(person=str(office["_id"])))
    assert len(first.rows) == PAGE_SIZE and first.next_cursor
    second = list_sign_ins(db, actor=admin, filters=SignInFilters(person=str(office["_id"])),
                           cursor=first.next_cursor)
    assert len(second.rows) == 3 and not second.next_cursor
    assert not {r.id for r in first.rows} & {r.id for r in second.rows}
    today = company_today(company)
    yesterday = (today - timedelta(days=1)).isoformat()
    assert len(list_sign_ins(db, actor=admin, filters=SignInFilters(
        start=today.isoformat(), end=today.isoformat())).rows) == PAGE_SIZE
    assert list_sign_ins(db, actor=admin, filters=SignInFilters(
        start=yesterday, end=yesterday)).rows == []
    with pytest.raises(ValidationError, match="between 2000 and 2100"):
        list_sign_ins(db, actor=admin, filters=SignInFilters(start="9999-01-01"))
    with pytest.raises(ValidationError, match="on or before"):
        list_sign_ins(db, actor=admin, filters=SignInFilters(start=today.isoformat(),
                                                             end=yesterday))
    with pytest.raises(ValidationError, match="page link"):
        list_sign_ins(db, actor=admin, filters=SignInFilters(), cursor="nonsense")


def test_the_operator_sees_counts_per_day_and_kind_without_personal_data(db):
    company = make_company(db)
    user = make_user(db, company=company)
    _sign_in(db, user)
    _sign_in(db, user)
    _sign_in(db, user, ok=False)
    counts = platform_sign_in_counts(db, actor=operator(db))
    assert {(c.kind, c.count) for c in counts} == {("Signed in", 2), ("Wrong password", 1)}
    assert all(set(vars(c)) == {"day", "kind", "count"} for c in counts)
    with pytest.raises(PermissionDenied):
        platform_sign_in_counts(db, actor=actor_for(user))

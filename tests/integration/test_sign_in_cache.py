"""A worker keeps each session's record and user between events (services/auth.py);
whatever ends or changes a sign-in, on this worker or another, shows on the next
event. "Another worker" is simulated by hiding this process's writes from the
write watch, so only the company's auth stamp can tell."""

import pytest

from iprodash.domain.errors import NotAuthenticated
from iprodash.repositories import event_cache
from iprodash.services import auth, users
from tests.factories import PASSWORD, make_company, make_user


@pytest.fixture
def other_worker(monkeypatch):
    """This process no longer sees its own writes: only stamps invalidate."""
    event_cache.forget_rosters()
    monkeypatch.setattr(event_cache.WRITE_WATCH, "count", lambda collection: 0)


def _signed_in(db, user, ip="9.9.9.1"):
    token = auth.login(db, email=user["email"], password=PASSWORD, ip=ip)
    auth.authenticate(db, token=token)  # first event: the worker learns the session
    return token


def test_a_logout_here_ends_the_kept_session(db):
    """(That a known session is not read again is counted in
    tests/integration/jobs/test_event_round_trips.py.)"""
    admin = make_user(db, company=make_company(db), role="company_admin")
    token = _signed_in(db, admin)
    auth.authenticate(db, token=token)
    auth.logout(db, token=token)
    with pytest.raises(NotAuthenticated):
        auth.authenticate(db, token=token)


def test_a_logout_on_another_worker_ends_the_session_here(db, other_worker):
    admin = make_user(db, company=make_company(db), role="company_admin")
    token = _signed_in(db, admin)
    auth.authenticate(db, token=token)  # served from the cache now
    auth.logout(db, token=token)
    with pytest.raises(NotAuthenticated):
        auth.authenticate(db, token=token)


def test_a_deactivation_or_role_change_on_another_worker_shows_here(db, other_worker):
    company = make_company(db)
    admin = make_user(db, company=company, role="company_admin")
    clerk = make_user(db, company=company, role="company_admin", email="clerk@shop.test")
    admin_actor = auth.authenticate(db, token=_signed_in(db, admin))
    token = _signed_in(db, clerk, ip="9.9.9.2")
    assert auth.authenticate(db, token=token).role == "company_admin"
    users.set_role(db, actor=admin_actor, user_id=str(clerk["_id"]), role="user",
                   view_financials=False)
    assert auth.authenticate(db, token=token).role == "user"
    users.set_active(db, actor=admin_actor, user_id=str(clerk["_id"]), active=False)
    with pytest.raises(NotAuthenticated):
        auth.authenticate(db, token=token)


def test_a_session_of_one_company_is_never_served_for_another(db, other_worker):
    mine = make_user(db, company=make_company(db), role="company_admin")
    theirs = make_user(db, company=make_company(db, name="Other Shop"),
                       role="company_admin", email="them@other.test")
    mine_token, their_token = _signed_in(db, mine), _signed_in(db, theirs, ip="9.9.9.3")
    for _ in range(2):
        assert auth.authenticate(db, token=mine_token).user_id == mine["_id"]
        assert auth.authenticate(db, token=their_token).user_id == theirs["_id"]


def test_a_company_read_serves_a_workers_events_for_a_second_at_most(db, monkeypatch):
    """Events of one worker share a company document read less than
    COMPANY_FRESH_S ago; a change from this process ends it at once, another
    worker's (a suspension) shows once that second is over."""
    import time

    from iprodash.repositories.companies import CompanyRepository
    from iprodash.services import operator
    from iprodash.services.event_scope import event_scope
    from tests.factories import operator as make_operator

    company = make_company(db)
    token = _signed_in(db, make_user(db, company=company, role="company_admin"))
    event_cache.forget_rosters()
    monkeypatch.setattr(event_cache, "COMPANY_FRESH_S", 0.3)

    def event(work):
        with event_scope():
            return work()

    event(lambda: auth.authenticate(db, token=token))
    CompanyRepository(db).collection.update_one(  # a write this process sees
        {"_id": company["_id"]}, {"$set": {"name": "Renamed Shop"}})
    assert event(lambda: CompanyRepository(db).by_id(company["_id"]))["name"] == "Renamed Shop"

    monkeypatch.setattr(event_cache.WRITE_WATCH, "count", lambda collection: 0)
    event(lambda: auth.authenticate(db, token=token))  # read now, fresh for 0.3 s
    operator.change_company_status(db, actor=make_operator(db),
                                   company_id=str(company["_id"]), action="suspend",
                                   reason="unpaid")  # "on another worker"
    time.sleep(0.35)
    with pytest.raises(NotAuthenticated):
        event(lambda: auth.authenticate(db, token=token))

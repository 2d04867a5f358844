"""The retention task keeps exactly the documented default periods: a record
one hour younger than its period stays, one hour older goes. The periods are
read from the table of docs/PRIVACY.md (iprodash/domain/retention_policy.py),
so a default changed in one place but not the other fails here or in
tests/unit/domain/test_retention_policy.py."""

from __future__ import annotations

from datetime import timedelta

import pytest

from iprodash.domain.retention_policy import DEFAULTS
from iprodash.jobs.retention import enforce_retention
from iprodash.services import auth
from iprodash.settings import get_settings
from tests.factories import PASSWORD, make_company, make_user

HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def _defaults(monkeypatch):
    for name in DEFAULTS:
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_sessions_and_the_sign_in_log_are_kept_exactly_their_default_period(db):
    company = make_company(db)
    user = make_user(db, company=company)
    auth.login(db, email=user["email"], password=PASSWORD, ip="198.51.100.7", user_agent="t")
    session = db["sessions"].find_one({"user_id": user["_id"]})
    signed_in = db["usage_log"].find_one({"kind": "login", "user_id": user["_id"]})["at"]
    keep_sessions = timedelta(days=DEFAULTS["IPRODASH_SESSION_RETENTION_DAYS"])
    keep_log = timedelta(days=DEFAULTS["IPRODASH_USAGE_LOG_RETENTION_DAYS"])
    assert keep_sessions != keep_log  # so each boundary below is the record's own

    counts = enforce_retention(db, now=session["expires_at"] + keep_sessions - HOUR)
    assert counts["sessions"] == 0 and db["sessions"].count_documents({}) == 1
    counts = enforce_retention(db, now=session["expires_at"] + keep_sessions + HOUR)
    assert counts["sessions"] == 1 and db["sessions"].count_documents({}) == 0

    assert db["usage_log"].count_documents({"kind": "login"}) == 1
    enforce_retention(db, now=signed_in + keep_log - HOUR)
    assert db["usage_log"].count_documents({"kind": "login"}) == 1
    counts = enforce_retention(db, now=signed_in + keep_log + HOUR)
    assert counts["usage_log"] >= 1
    assert db["usage_log"].count_documents({"kind": "login"}) == 0

"""API keys: shown once, stored hashed, scoped, revocable, rate-limited, logged."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError as PydanticError

from iprodash.api.v1.common import StrictModel
from iprodash.domain.errors import Conflict, NotFound, PermissionDenied, ValidationError
from iprodash.services import api_keys
from iprodash.settings import get_settings
from tests.factories import actor_for, make_user

ME = "/api/v1/me"


def test_key_is_shown_once_and_stored_as_a_hash(db, tenants):
    alpha, _ = tenants
    assert alpha.write_key.startswith("ipd_") and len(alpha.write_key) > 40
    stored = list(db["api_keys"].find({"company_id": alpha.company["_id"]}))
    assert len(stored) == 2
    assert all(alpha.write_key not in str(doc) for doc in stored)
    assert {doc["key_hash"] for doc in stored} >= {api_keys.hash_key(alpha.write_key)}
    rows = api_keys.list_api_keys(db, actor=alpha.admin)
    assert {(r.name, r.scopes) for r in rows} == {("Reporting", "Read only"),
                                                   ("Zapier", "Read and write")}
    assert all(r.prefix.startswith("ipd_") and r.last_used == "never" for r in rows)
    actions = {e["action"] for e in db["audit_log"].find({"company_id": alpha.company["_id"]})}
    assert "api_key.created" in actions


def test_only_admins_manage_keys_and_scopes_are_checked(db, tenants):
    alpha, bravo = tenants
    office = actor_for(make_user(db, company=alpha.company))
    with pytest.raises(PermissionDenied):
        api_keys.create_api_key(db, actor=office, name="Mine", scopes=["read"])
    with pytest.raises(PermissionDenied):
        api_keys.list_api_keys(db, actor=office)
    for scopes in ([], ["admin"], ["read", "delete"]):
        with pytest.raises(ValidationError, match="scopes"):
            api_keys.create_api_key(db, actor=alpha.admin, name="Bad", scopes=scopes)
    bravo_key = api_keys.list_api_keys(db, actor=bravo.admin)[0]
    with pytest.raises(NotFound):
        api_keys.revoke_api_key(db, actor=alpha.admin, key_id=bravo_key.id)


def test_me_answers_for_the_keys_company(api, db, tenants):
    alpha, bravo = tenants
    body = api.get(ME, headers=alpha.headers(alpha.read_key)).json()
    assert body["company"] == {"id": str(alpha.company["_id"]), "name": alpha.company["name"]}
    assert body["key"]["scopes"] == ["read"] and body["key"]["name"] == "Reporting"
    assert api.get(ME, headers=bravo.headers()).json()["company"]["id"] == str(
        bravo.company["_id"])
    [row] = [r for r in api_keys.list_api_keys(db, actor=alpha.admin) if r.name == "Reporting"]
    assert row.last_used != "never"
    logged = db["usage_log"].find_one({"kind": "api_request", "path": ME})
    assert logged["status"] == 200 and logged["company_id"] == alpha.company["_id"]


@pytest.mark.parametrize("header", [{}, {"Authorization": "Bearer nope"},
                                    {"Authorization": "Bearer ipd_0000_forged-key-value"},
                                    {"Authorization": "Basic dXNlcjpwYXNz"}])
def test_missing_or_wrong_keys_get_a_json_401(api, tenants, header):
    response = api.get(ME, headers=header)
    assert response.status_code == 401
    assert response.json() == {"message": api_keys.BAD_KEY}


def test_a_revoked_key_stops_at_once(api, db, tenants):
    alpha, _ = tenants
    assert api.get(ME, headers=alpha.headers()).status_code == 200
    [row] = [r for r in api_keys.list_api_keys(db, actor=alpha.admin) if r.name == "Zapier"]
    api_keys.revoke_api_key(db, actor=alpha.admin, key_id=row.id)
    with pytest.raises(Conflict):
        api_keys.revoke_api_key(db, actor=alpha.admin, key_id=row.id)
    assert api.get(ME, headers=alpha.headers()).status_code == 401
    assert api.get(ME, headers=alpha.headers(alpha.read_key)).status_code == 200


def test_a_suspended_company_cannot_use_its_keys(api, db, tenants):
    alpha, _ = tenants
    db["companies"].update_one({"_id": alpha.company["_id"]}, {"$set": {"status": "suspended"}})
    response = api.get(ME, headers=alpha.headers())
    assert response.status_code == 401 and "cannot use the API" in response.json()["message"]


def test_rate_limit_per_key(api, db, tenants, monkeypatch):
    alpha, bravo = tenants
    monkeypatch.setenv("IPRODASH_API_RATE_LIMIT_PER_MINUTE", "3")
    get_settings.cache_clear()
    minute = datetime(2026, 5, 1, 12, 0, 30, tzinfo=timezone.utc)  # no minute boundary inside
    monkeypatch.setattr(api_keys, "utcnow", lambda: minute)
    statuses = [api.get(ME, headers=alpha.headers()).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = api.get(ME, headers=alpha.headers())
    assert limited.headers["retry-after"] == "60" and "Rate limit" in limited.json()["message"]
    assert api.get(ME, headers=bravo.headers()).status_code == 200  # another key's budget
    monkeypatch.setattr(api_keys, "utcnow", lambda: minute + timedelta(minutes=1))
    assert api.get(ME, headers=alpha.headers()).status_code == 200  # a new minute


def test_openapi_schema_and_docs_are_served(api):
    schema = api.get("/api/v1/openapi.json").json()
    assert "/me" in schema["paths"]
    assert schema["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"
    docs = api.get("/api/v1/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    missing = api.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and "message" in missing.json()


class _Sample(StrictModel):
    name: str
    tags: list[str] = []


@pytest.mark.parametrize("payload", [{"name": "x", "extra": 1}, {"name": "x", "$set": {}},
                                     {"name": {"$gt": ""}}, {"name": "x", "a.b": 1}])
def test_strict_models_refuse_unknown_fields_and_operators(payload):
    with pytest.raises(PydanticError):
        _Sample.model_validate(payload)
    assert _Sample.model_validate({"name": " ok "}).name == "ok"

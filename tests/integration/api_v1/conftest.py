"""An HTTP client for /api/v1 and API keys for two companies."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from iprodash.api import v1
from iprodash.services import api_keys
from tests.factories import admin_of, make_company


@dataclass
class Tenant:
    company: dict
    admin: object
    read_key: str
    write_key: str

    def headers(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.write_key}"}


def make_tenant(db) -> Tenant:
    company = make_company(db)
    admin = admin_of(db, company)
    _, read_key = api_keys.create_api_key(db, actor=admin, name="Reporting", scopes=["read"])
    _, write_key = api_keys.create_api_key(db, actor=admin, name="Zapier",
                                           scopes=["read", "write"])
    return Tenant(company=company, admin=admin, read_key=read_key, write_key=write_key)


@pytest.fixture
def api(db):
    """The v1 application mounted where the app mounts it."""
    app = FastAPI()
    app.mount(v1.PREFIX, v1.create_v1_app())
    with TestClient(app, base_url="http://localhost:3000",
                    raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def tenants(db):
    """Two companies, each with a read key and a read+write key."""
    return make_tenant(db), make_tenant(db)

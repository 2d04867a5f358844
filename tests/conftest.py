"""Shared fixtures: an embedded database per test session, a fresh
database per test, and settings pointing at them."""

from __future__ import annotations

import os
import socket
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

pytest_plugins = ("tests.mailbox",)  # the ``mailbox`` fixture: links as a developer reads them


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def mongo_uri(tmp_path_factory) -> str:
    """An embedded server on a temporary directory, or ``TEST_MONGODB_URI``."""
    external = os.environ.get("TEST_MONGODB_URI")
    if external:
        yield external
        return
    from iprodash.db import embedded_uri, start_embedded_server

    base = tmp_path_factory.mktemp("embedded-db")
    port = free_port()
    proc = start_embedded_server(base / "db", port, log_file=base / "server.log")
    yield embedded_uri(port)
    if proc is not None:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="session", autouse=True)
def _test_settings(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("data")
    os.environ.update({
        "IPRODASH_DATA_DIR": str(data_dir),
        "IPRODASH_SECRET_KEY": "test-secret-key-not-for-production-0123456789",
        "IPRODASH_PUBLIC_URL": "http://localhost:3000",
        "RESEND_API_KEY": "",
        "IPRODASH_BACKUP_KEY": "test-backup-key-kept-apart-from-the-backups-0123",
    })
    from iprodash.settings import get_settings

    get_settings.cache_clear()
    yield


@pytest.fixture
def db(mongo_uri, monkeypatch):
    """A fresh, indexed database for one test; the app's get_db() uses it too."""
    from iprodash import db as db_module
    from iprodash.repositories.indexes import ensure_indexes
    from iprodash.settings import get_settings

    name = f"t_{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("MONGODB_URI", mongo_uri)
    monkeypatch.setenv("MONGODB_DB", name)
    get_settings.cache_clear()
    db_module.get_client.cache_clear()
    database = db_module.get_db()
    ensure_indexes(database)
    yield database
    db_module.get_client().drop_database(name)
    get_settings.cache_clear()

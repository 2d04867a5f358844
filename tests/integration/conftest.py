"""Fixtures shared by the integration folders."""

from __future__ import annotations

import pytest

from iprodash.integrations import maps
from iprodash.settings import get_settings
from tests.fakes.maps_fake import FakeMaps


@pytest.fixture
def fake_maps(monkeypatch):
    """The app's Google Maps client pointed at a local fake server, with a test key."""
    with FakeMaps() as fake:
        monkeypatch.setenv("GOOGLE_MAPS_API_KEY", "AIza-test-key-0000000000000000000000000")
        monkeypatch.setenv("GOOGLE_MAPS_BASE_URL", fake.url)
        get_settings.cache_clear()
        maps._client.cache_clear()
        yield fake
    get_settings.cache_clear()
    maps._client.cache_clear()

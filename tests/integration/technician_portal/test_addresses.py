"""Address autocomplete through the real googlemaps client and a fake server."""

from __future__ import annotations

import pytest

from iprodash.domain.errors import PermissionDenied, ValidationError
from iprodash.services import addresses
from iprodash.settings import get_settings
from tests.factories import admin_of, make_company
from tests.factories import operator as make_operator
from tests.fakes.recording_server import Answer


def test_suggest_and_resolve_with_session_token_and_cache(db, fake_maps):
    admin = admin_of(db, make_company(db))
    found = addresses.suggest_addresses(db, actor=admin, text="350", session_token="tok-1")
    assert found == [{"place_id": "place-1", "text": "350 5th Avenue, New York, NY, USA"}]
    query = fake_maps.query(fake_maps.requests[0])
    assert query["sessiontoken"] == ["tok-1"] and query["types"] == ["address"]

    address = addresses.resolve_address(db, actor=admin, place_id="place-1", session_token="tok-1")
    assert address == {"line": "350 5th Avenue", "city": "New York", "state": "NY",
                       "zip": "10118", "lat": 40.7484, "lng": -73.9857}
    calls = len(fake_maps.requests)
    assert addresses.resolve_address(db, actor=admin, place_id="place-1",
                                     session_token="tok-2") == address
    assert len(fake_maps.requests) == calls  # served from the cache


def test_short_text_and_errors_give_no_suggestions(db, fake_maps):
    admin = admin_of(db, make_company(db))
    assert addresses.suggest_addresses(db, actor=admin, text="35", session_token="t") == []
    fake_maps.queue(Answer(200, {"status": "REQUEST_DENIED", "error_message": "bad key"}))
    assert addresses.suggest_addresses(db, actor=admin, text="350 5th", session_token="t") == []


def test_without_a_key_fields_stay_plain(db, monkeypatch):
    monkeypatch.setenv("GOOGLE_MAPS_API_KEY", "")
    get_settings.cache_clear()
    admin = admin_of(db, make_company(db))
    assert addresses.suggest_addresses(db, actor=admin, text="350 5th", session_token="t") == []
    with pytest.raises(ValidationError):
        addresses.resolve_address(db, actor=admin, place_id="place-1", session_token="t")


def test_operator_cannot_use_company_lookups(db):
    with pytest.raises(PermissionDenied):
        addresses.suggest_addresses(db, actor=make_operator(db), text="350 5th",
                                    session_token="t")

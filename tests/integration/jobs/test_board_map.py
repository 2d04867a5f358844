"""The board's map of the day: a Static Maps image through the real googlemaps
client and a fake server, served by the app to office staff only; without a
key there is no map (the page lists the stops instead)."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from iprodash.api.app import create_api
from iprodash.api.security import SESSION_COOKIE
from iprodash.domain.errors import NotFound
from iprodash.services import dispatch_board
from iprodash.settings import get_settings
from tests.factories import PASSWORD
from tests.fakes.maps_fake import MAP_PNG

DAY = date(2025, 6, 2)
ORIGIN = {"origin": "http://localhost:3000"}


def test_the_days_stops_are_numbered_per_technician_in_their_color(shop, fake_maps):
    tom = shop.technician("Tom Tech")
    shop.job(technician_id=tom.id, start_time="13:00", end_time="14:00", lat="40.75",
             lng="-73.99")
    shop.job(technician_id=tom.id, start_time="09:00", end_time="10:00", lat="40.70",
             lng="-73.90")
    shop.job(start_time="11:00", end_time="12:00")  # no coordinates: listed, not mapped
    assert dispatch_board.day_map(shop.db, actor=shop.user, day=DAY) == MAP_PNG
    query = parse_qs(urlsplit(fake_maps.requests[-1].path).query)
    assert query["markers"] == ["color:0x3E63DD|label:1|40.7,-73.9",
                                "color:0x3E63DD|label:2|40.75,-73.99"]
    assert query["size"] == ["640x400"]


def test_without_a_key_or_located_jobs_there_is_no_map(shop, monkeypatch, fake_maps):
    with pytest.raises(NotFound, match="No job on this day has a map location"):
        dispatch_board.day_map(shop.db, actor=shop.user, day=DAY)
    monkeypatch.setenv("GOOGLE_MAPS_API_KEY", "")
    get_settings.cache_clear()
    shop.job(lat="40.75", lng="-73.99")
    with pytest.raises(NotFound, match="needs Google Maps"):
        dispatch_board.day_map(shop.db, actor=shop.user, day=DAY)


def test_the_map_route_is_for_the_signed_in_office_of_the_company(shop, other_shop, fake_maps):
    shop.job(lat="40.75", lng="-73.99")
    other_shop.job(lat="41.0", lng="-74.0")
    email = shop.db["users"].find_one({"_id": shop.user.user_id})["email"]
    with TestClient(create_api(), base_url="http://localhost:3000") as client:
        assert client.get("/api/board/map?day=2025-06-02").status_code == 401
        login = client.post("/api/auth/login", data={"email": email, "password": PASSWORD,
                                                      "next": "/board"},
                            headers=ORIGIN, follow_redirects=False)
        token = login.cookies[SESSION_COOKIE]
        client.cookies.set(SESSION_COOKIE, token)
        image = client.get("/api/board/map?day=2025-06-02")
        assert image.status_code == 200 and image.headers["content-type"] == "image/png"
        assert image.content == MAP_PNG
        query = parse_qs(urlsplit(fake_maps.requests[-1].path).query)
        assert query["markers"] == ["color:0x8B8D98|label:1|40.75,-73.99"]  # not the other shop's
        assert client.get("/api/board/map?day=junk").status_code == 400
        assert client.get("/api/board/map?day=2025-06-03").status_code == 404

"""Google Maps address autocomplete and place details (server side).

Without ``GOOGLE_MAPS_API_KEY`` the address fields are plain inputs and
nothing here is called.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import googlemaps

from iprodash.settings import get_settings


class MapsUnavailable(Exception):
    """Google did not answer usefully; the form keeps working without it."""


@dataclass(frozen=True)
class Suggestion:
    place_id: str
    text: str


@dataclass(frozen=True)
class PlaceAddress:
    line: str
    city: str
    state: str
    zip: str
    lat: float | None
    lng: float | None


def maps_enabled() -> bool:
    return bool(get_settings().google_maps_api_key)


@lru_cache(maxsize=1)
def _client() -> googlemaps.Client:
    settings = get_settings()
    kwargs = {"base_url": settings.google_maps_base_url} if settings.google_maps_base_url else {}
    return googlemaps.Client(key=settings.google_maps_api_key, timeout=5, retry_timeout=5,
                             **kwargs)


def autocomplete(text: str, *, session_token: str) -> list[Suggestion]:
    """US address suggestions for what the dispatcher typed."""
    try:
        results = googlemaps.places.places_autocomplete(
            _client(), text, session_token=session_token, types="address",
            components={"country": ["us"]})
    except (googlemaps.exceptions.ApiError, googlemaps.exceptions.TransportError,
            googlemaps.exceptions.Timeout, googlemaps.exceptions.HTTPError) as exc:
        raise MapsUnavailable(str(exc)) from exc
    return [Suggestion(place_id=r["place_id"], text=r["description"]) for r in results[:5]]


def _component(components: list[dict], kind: str, short: bool = False) -> str:
    for part in components:
        if kind in part.get("types", []):
            return part["short_name" if short else "long_name"]
    return ""


def place_address(place_id: str, *, session_token: str) -> PlaceAddress:
    """Street, city, state, zip and coordinates of a chosen suggestion."""
    try:
        result = googlemaps.places.place(
            _client(), place_id, session_token=session_token,
            fields=["address_component", "geometry"])["result"]
    except (googlemaps.exceptions.ApiError, googlemaps.exceptions.TransportError,
            googlemaps.exceptions.Timeout, googlemaps.exceptions.HTTPError, KeyError) as exc:
        raise MapsUnavailable(str(exc)) from exc
    parts = result.get("address_components", [])
    street = " ".join(p for p in (_component(parts, "street_number"),
                                  _component(parts, "route")) if p)
    location = result.get("geometry", {}).get("location", {})
    return PlaceAddress(line=street,
                        city=_component(parts, "locality") or _component(parts, "sublocality"),
                        state=_component(parts, "administrative_area_level_1", short=True),
                        zip=_component(parts, "postal_code"),
                        lat=location.get("lat"), lng=location.get("lng"))


@dataclass(frozen=True)
class MapStop:
    lat: float
    lng: float
    color: str  # "#RRGGBB"
    label: str  # one character, "" for none


MAP_SIZE = (640, 400)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def static_map_png(stops: list[MapStop]) -> bytes:
    """A map image of ``stops`` (Maps Static API), fetched server side so the
    key never reaches the browser."""
    markers = [googlemaps.maps.StaticMapMarker(
        locations=[{"lat": s.lat, "lng": s.lng}], color="0x" + s.color.lstrip("#")[:6],
        label=s.label or None) for s in stops]
    try:
        data = b"".join(googlemaps.maps.static_map(_client(), size=MAP_SIZE, markers=markers,
                                                   format="png"))
    except (googlemaps.exceptions.ApiError, googlemaps.exceptions.TransportError,
            googlemaps.exceptions.Timeout, googlemaps.exceptions.HTTPError) as exc:
        raise MapsUnavailable(str(exc)) from exc
    if not data.startswith(PNG_SIGNATURE):  # an error page instead of an image
        raise MapsUnavailable("Google did not send a map image.")
    return data

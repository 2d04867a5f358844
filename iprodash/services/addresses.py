"""Address autocomplete for the office's job and client forms."""

from __future__ import annotations

from pymongo.database import Database

from iprodash.domain.errors import ValidationError
from iprodash.integrations import maps
from iprodash.repositories.geocode_cache import GeocodeCache
from iprodash.services.actor import Actor, require_company_actor


def autocomplete_enabled() -> bool:
    """Whether address suggestions are on (a Maps key is set); plain inputs otherwise."""
    return maps.maps_enabled()


def suggest_addresses(db: Database, *, actor: Actor, text: str,
                      session_token: str) -> list[dict]:
    """Up to five suggestions; [] without a Maps key or when Google fails."""
    require_company_actor(actor)
    text = (text or "").strip()[:200]
    if len(text) < 3 or not maps.maps_enabled():
        return []
    try:
        return [{"place_id": s.place_id, "text": s.text}
                for s in maps.autocomplete(text, session_token=session_token[:64])]
    except maps.MapsUnavailable:
        return []


def resolve_address(db: Database, *, actor: Actor, place_id: str, session_token: str) -> dict:
    """Street, city, state, zip, lat and lng of a chosen suggestion (cached)."""
    require_company_actor(actor)
    place_id = (place_id or "").strip()[:300]
    if not place_id or not maps.maps_enabled():
        raise ValidationError("Type the address; suggestions are not available.")
    cache = GeocodeCache(db)
    cached = cache.get(place_id)
    if cached:
        return {k: cached.get(k) for k in ("line", "city", "state", "zip", "lat", "lng")}
    try:
        place = maps.place_address(place_id, session_token=session_token[:64])
    except maps.MapsUnavailable as exc:
        raise ValidationError("Google could not look up that address; type it in.") from exc
    address = {"line": place.line, "city": place.city, "state": place.state, "zip": place.zip,
               "lat": place.lat, "lng": place.lng}
    cache.put(place_id, address)
    return address

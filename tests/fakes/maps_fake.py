"""A fake Google Maps Places API for the real ``googlemaps`` client."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.fakes.recording_server import Answer, RecordedRequest, RecordingServer

PLACE = {
    "address_components": [
        {"long_name": "350", "short_name": "350", "types": ["street_number"]},
        {"long_name": "5th Avenue", "short_name": "5th Ave", "types": ["route"]},
        {"long_name": "New York", "short_name": "New York", "types": ["locality", "political"]},
        {"long_name": "New York", "short_name": "NY",
         "types": ["administrative_area_level_1", "political"]},
        {"long_name": "10118", "short_name": "10118", "types": ["postal_code"]},
    ],
    "geometry": {"location": {"lat": 40.7484, "lng": -73.9857}},
}


# The smallest valid PNG (1x1, transparent): what the Static Maps API sends is an image.
MAP_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082")


class FakeMaps(RecordingServer):
    def query(self, request: RecordedRequest) -> dict[str, list[str]]:
        return parse_qs(urlsplit(request.path).query)

    def normal_answer(self, request: RecordedRequest) -> Answer:
        path = urlsplit(request.path).path
        if path == "/maps/api/place/autocomplete/json":
            text = self.query(request).get("input", [""])[0]
            return Answer(200, {"status": "OK", "predictions": [
                {"place_id": "place-1", "description": f"{text} 5th Avenue, New York, NY, USA"}]})
        if path == "/maps/api/place/details/json":
            return Answer(200, {"status": "OK", "result": PLACE})
        if path == "/maps/api/staticmap":
            return Answer(200, MAP_PNG, {"content-type": "image/png"})
        return Answer(404, {"status": "NOT_FOUND"})

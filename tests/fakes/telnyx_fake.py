"""A fake Telnyx Messaging API (``POST /v2/messages``) for the real ``telnyx`` SDK.

Answers with the documented shapes: ``{"data": {...message...}}`` on
success and ``{"errors": [{"code", "title", "detail"}]}`` on failure. A
repeated ``Idempotency-Key`` returns the first answer's message instead of
sending again, as Telnyx does; :attr:`delivered` lists what really went out.
"""

from __future__ import annotations

import uuid

from tests.fakes.recording_server import Answer, RecordedRequest, RecordingServer


class FakeTelnyx(RecordingServer):
    def __init__(self):
        super().__init__()
        self.delivered: list[dict] = []
        self._by_key: dict[str, dict] = {}

    @property
    def base_url(self) -> str:
        return f"{self.url}/v2"

    def message_requests(self) -> list:
        return [r for r in self.requests if r.method == "POST" and r.path == "/v2/messages"]

    def fail_next(self, status: int, code: str = "", times: int = 1) -> None:
        """Answer the next ``times`` sends with ``status`` (and Telnyx error ``code``)."""
        titles = {429: "Too many requests", 500: "Internal error", 503: "Unavailable"}
        code = code or {429: "10011", 500: "10001", 503: "10001"}.get(status, "10015")
        title = "Blocked due to STOP message" if code == "40300" else titles.get(status, "Bad")
        body = {"errors": [{"code": code, "title": title, "detail": f"fake {status}"}]}
        self.queue(*[Answer(status, body) for _ in range(times)])

    def fail_opted_out(self) -> None:
        """The next send is refused because the number replied STOP (code 40300)."""
        self.fail_next(400, "40300")

    def normal_answer(self, request: RecordedRequest) -> Answer:
        if request.path != "/v2/messages":
            return Answer(404, {"errors": [{"code": "10005", "title": "Not found"}]})
        key = request.headers.get("idempotency-key", "")
        if key and key in self._by_key:
            return Answer(200, {"data": self._by_key[key]})
        body = request.body or {}
        message = {
            "record_type": "message", "direction": "outbound", "id": str(uuid.uuid4()),
            "type": "SMS", "messaging_profile_id": body.get("messaging_profile_id"),
            "from": {"phone_number": body.get("from"), "carrier": "Telnyx",
                     "line_type": "Wireless"},
            "to": [{"phone_number": body.get("to"), "status": "queued", "carrier": "T-Mobile",
                    "line_type": "Wireless"}],
            "text": body.get("text"), "encoding": "GSM-7", "parts": 1, "errors": [],
        }
        self.delivered.append(message)
        if key:
            self._by_key[key] = message
        return Answer(200, {"data": message})

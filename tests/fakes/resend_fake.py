"""A fake Resend API (``POST /emails``) for the real ``resend`` SDK.

Success is ``{"id": "..."}``; errors are ``{"statusCode", "name", "message"}``
as Resend documents. A repeated ``Idempotency-Key`` returns the first id.
"""

from __future__ import annotations

import uuid

from tests.fakes.recording_server import Answer, RecordedRequest, RecordingServer


class FakeResend(RecordingServer):
    def __init__(self):
        super().__init__()
        self.delivered: list[dict] = []
        self._by_key: dict[str, str] = {}

    def email_requests(self) -> list:
        return [r for r in self.requests if r.method == "POST" and r.path == "/emails"]

    def fail_next(self, status: int, times: int = 1) -> None:
        names = {429: "rate_limit_exceeded", 500: "internal_server_error",
                 422: "validation_error"}
        body = {"statusCode": status, "name": names.get(status, "application_error"),
                "message": f"fake {status}"}
        self.queue(*[Answer(status, body) for _ in range(times)])

    def normal_answer(self, request: RecordedRequest) -> Answer:
        if request.path != "/emails":
            return Answer(404, {"statusCode": 404, "name": "not_found", "message": "Not found"})
        key = request.headers.get("idempotency-key", "")
        if key and key in self._by_key:
            return Answer(200, {"id": self._by_key[key]})
        email_id = str(uuid.uuid4())
        self.delivered.append({"id": email_id, **(request.body or {})})
        if key:
            self._by_key[key] = email_id
        return Answer(200, {"id": email_id})

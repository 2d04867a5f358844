"""A fake Resend API (``POST /emails`` and ``POST /emails/batch``) for the real ``resend`` SDK.

Success is ``{"id": "..."}`` (a batch: ``{"data": [{"id": ...}, ...]}`` in
request order); errors are ``{"statusCode", "name", "message"}`` as Resend
documents. A repeated ``Idempotency-Key`` returns the first answer without
sending again; the same key with a different batch is a 409. A batch is
validated strictly, as Resend does by default: 1 to 100 emails, no
attachments, every ``to`` an address, else a 422 and nothing is sent.
"""

from __future__ import annotations

import json
import uuid

from tests.fakes.recording_server import Answer, RecordedRequest, RecordingServer

BATCH_MAX = 100


def _error(status: int, name: str, message: str) -> Answer:
    return Answer(status, {"statusCode": status, "name": name, "message": message})


def _invalid_address(email: dict) -> str:
    for address in email.get("to") or []:
        if "@" not in str(address):
            return f"Invalid `to` field: {address!r} is not an email address."
    return ""


class FakeResend(RecordingServer):
    def __init__(self):
        super().__init__()
        self.delivered: list[dict] = []
        self._by_key: dict[str, str] = {}
        self._batches_by_key: dict[str, tuple[str, list[str]]] = {}
        self._lost_answers = 0

    def email_requests(self) -> list:
        return [r for r in self.requests if r.method == "POST" and r.path == "/emails"]

    def batch_requests(self) -> list:
        return [r for r in self.requests if r.method == "POST" and r.path == "/emails/batch"]

    def fail_next(self, status: int, times: int = 1) -> None:
        names = {429: "rate_limit_exceeded", 500: "internal_server_error",
                 422: "validation_error"}
        body = {"statusCode": status, "name": names.get(status, "application_error"),
                "message": f"fake {status}"}
        self.queue(*[Answer(status, body) for _ in range(times)])

    def lose_next_answer(self) -> None:
        """Send the next request for real, but answer 500 (a lost answer)."""
        with self._lock:
            self._lost_answers += 1

    def normal_answer(self, request: RecordedRequest) -> Answer:
        if request.path == "/emails":
            answer = self._single(request)
        elif request.path == "/emails/batch":
            answer = self._batch(request)
        else:
            return _error(404, "not_found", "Not found")
        if answer.status == 200 and self._lost_answers:
            self._lost_answers -= 1
            return _error(500, "internal_server_error", "fake lost answer")
        return answer

    def _single(self, request: RecordedRequest) -> Answer:
        key = request.headers.get("idempotency-key", "")
        if key and key in self._by_key:
            return Answer(200, {"id": self._by_key[key]})
        invalid = _invalid_address(request.body or {})
        if invalid:
            return _error(422, "validation_error", invalid)
        email_id = str(uuid.uuid4())
        self.delivered.append({"id": email_id, **(request.body or {})})
        if key:
            self._by_key[key] = email_id
        return Answer(200, {"id": email_id})

    def _batch(self, request: RecordedRequest) -> Answer:
        emails = request.body
        key = request.headers.get("idempotency-key", "")
        fingerprint = json.dumps(emails, sort_keys=True)
        if key and key in self._batches_by_key:
            first, ids = self._batches_by_key[key]
            if first != fingerprint:
                return _error(409, "invalid_idempotent_request",
                              "Same idempotency key used with a different request payload.")
            return Answer(200, {"data": [{"id": i} for i in ids]})
        if not isinstance(emails, list) or not 0 < len(emails) <= BATCH_MAX:
            return _error(422, "validation_error", f"A batch holds 1 to {BATCH_MAX} emails.")
        for index, email in enumerate(emails):
            if email.get("attachments"):
                return _error(422, "validation_error",
                              f"emails[{index}]: attachments are not supported in batch.")
            invalid = _invalid_address(email)
            if invalid:
                return _error(422, "validation_error", f"emails[{index}]: {invalid}")
        ids = [str(uuid.uuid4()) for _ in emails]
        self.delivered.extend({"id": i, **email} for i, email in zip(ids, emails))
        if key:
            self._batches_by_key[key] = (fingerprint, ids)
        return Answer(200, {"data": [{"id": i} for i in ids]})

"""A small local HTTP server that records requests and answers from a script.

The provider fakes build on it: each request is recorded (method, path,
headers, JSON body); the next scripted answer is used when one is queued
(e.g. ``fail_next(429)``), otherwise the fake's normal answer.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


class RecordingServer:
    """Start with ``with FakeX() as fake:``; ``fake.url`` is its address."""

    def __init__(self):
        self.requests: list[RecordedRequest] = []
        self._script: list[Answer] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                self._handle()

            def do_GET(self):  # noqa: N802
                self._handle()

            def _handle(self):
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                request = RecordedRequest(self.command, self.path,
                                          {k.lower(): v for k, v in self.headers.items()}, body)
                answer = server._answer(request)
                raw_body = isinstance(answer.body, bytes)  # an image, not JSON
                payload = answer.body if raw_body else json.dumps(answer.body).encode()
                headers = {"content-type": "application/json", **answer.headers}
                self.send_response(answer.status)
                self.send_header("content-length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):  # keep test output clean
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._httpd.shutdown()
        self._httpd.server_close()

    def queue(self, *answers: Answer) -> None:
        """Answer the next requests with ``answers``, in order."""
        with self._lock:
            self._script.extend(answers)

    def _answer(self, request: RecordedRequest) -> Answer:
        with self._lock:
            self.requests.append(request)
            if self._script:
                return self._script.pop(0)
            return self.normal_answer(request)

    def normal_answer(self, request: RecordedRequest) -> Answer:
        raise NotImplementedError

"""Only our own origin may open the event websocket or post to the API."""

from __future__ import annotations

import base64
import os
import socket
import urllib.error
import urllib.parse
import urllib.request

import pytest


def _websocket_status(url: str, origin: str) -> int:
    parts = urllib.parse.urlsplit(url)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (f"GET /_event/?EIO=4&transport=websocket HTTP/1.1\r\n"
               f"Host: {parts.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
               f"Origin: {origin}\r\n\r\n")
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request.encode())
        status_line = sock.recv(4096).split(b"\r\n", 1)[0].decode()
    return int(status_line.split()[1])


def test_websocket_refuses_foreign_origin(app_server):
    assert _websocket_status(app_server["url"], app_server["url"]) == 101
    assert _websocket_status(app_server["url"], "https://evil.test") in (400, 403)


def test_login_post_refuses_foreign_origin(app_server):
    body = urllib.parse.urlencode({"email": "admin@demo.test",
                                   "password": "demo-pass-1234"}).encode()
    request = urllib.request.Request(f"{app_server['url']}/api/auth/login", data=body,
                                     headers={"Origin": "https://evil.test"}, method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403

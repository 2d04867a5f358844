"""Believe ``X-Forwarded-For`` / ``X-Forwarded-Proto`` only from trusted proxies.

``IPRODASH_TRUSTED_PROXIES`` lists the reverse proxies' addresses or
networks (``127.0.0.1,::1`` for a Caddy on the same machine). When a request
comes from one of them, the ASGI scope's client address and scheme are
rewritten from those headers, so everything downstream (login throttling,
the usage log, Reflex's ``router.session.client_ip``, HSTS, Secure cookies)
sees the real client and ``https``. From anyone else the headers are
dropped: a client cannot pick its own address.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from starlette.types import ASGIApp, Receive, Scope, Send

from iprodash.domain.errors import ValidationError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_FORWARDED = (b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host", b"forwarded")


def parse_trusted_proxies(values: list[str] | tuple[str, ...]) -> tuple[Network, ...]:
    """``["127.0.0.1", "10.0.0.0/8"]`` -> networks.

    Raises:
        ValidationError: an entry is not an address or a network.
    """
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValidationError(f"IPRODASH_TRUSTED_PROXIES: {value!r} is not an IP address "
                                  "or network (for example 127.0.0.1 or 10.0.0.0/8).") from None
    return tuple(networks)


@lru_cache(maxsize=8)
def _networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_trusted_proxies(values)


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def real_client(peer: str, forwarded_for: str, networks: tuple[Network, ...]) -> str:
    """The client address: the right-most ``X-Forwarded-For`` hop not a trusted proxy.

    Proxies append the address they received from, so hops right of the
    client were added by our proxies and anything left of it was written by
    the client itself (and is ignored).
    """
    if not _is_trusted(peer, networks):
        return peer
    client = peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # garbage: keep the last address we could vouch for
        client = hop
        if not _is_trusted(hop, networks):
            break
    return client


class TrustedProxyMiddleware:
    """Rewrites ``scope["client"]`` and ``scope["scheme"]`` (HTTP and websocket)."""

    def __init__(self, app: ASGIApp, trusted: list[str] | tuple[str, ...] | None = None):
        self.app = app
        self.trusted = None if trusted is None else tuple(trusted)

    def _trusted_networks(self) -> tuple[Network, ...]:
        if self.trusted is not None:
            return _networks(self.trusted)
        from iprodash.settings import get_settings

        return _networks(tuple(get_settings().trusted_proxies))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        networks = self._trusted_networks()
        peer = (scope.get("client") or ("", 0))[0]
        headers = scope.get("headers") or []
        if networks and _is_trusted(peer, networks):
            scope = dict(scope)
            values = {name: value.decode("latin-1") for name, value in headers}
            forwarded_for = values.get(b"x-forwarded-for", "")
            if forwarded_for:
                port = (scope.get("client") or ("", 0))[1]
                scope["client"] = (real_client(peer, forwarded_for, networks), port)
            proto = values.get(b"x-forwarded-proto", "").split(",")[-1].strip().lower()
            if proto in ("http", "https"):
                secure = proto == "https"
                if scope["type"] == "websocket":
                    scope["scheme"] = "wss" if secure else "ws"
                else:
                    scope["scheme"] = proto
        elif any(name in _FORWARDED for name, _ in headers):
            scope = dict(scope)
            scope["headers"] = [(n, v) for n, v in headers if n not in _FORWARDED]
        await self.app(scope, receive, send)

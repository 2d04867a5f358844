"""A small TCP balancer for ``make run-multi``: one public port, several app workers.

Each new connection (an HTTP request or a websocket) goes to the next
worker in turn; a worker that refuses the connection is skipped, so when
one worker dies its tabs reconnect to another one. Reflex keeps the tabs'
state in Redis, so it does not matter which worker serves a connection.
Production puts an HTTPS proxy (Caddy, nginx, a cloud load balancer) here.

Usage: ``python scripts/tcp_balancer.py LISTEN_PORT WORKER_PORT [WORKER_PORT ...]``
"""

from __future__ import annotations

import asyncio
import itertools
import sys

HOST = "127.0.0.1"


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


class Balancer:
    """Round-robin over worker ports, skipping the ones that refuse."""

    def __init__(self, ports: list[int]):
        self.ports = ports
        self._turn = itertools.cycle(range(len(ports)))

    async def _connect(self):
        first = next(self._turn)
        for offset in range(len(self.ports)):
            port = self.ports[(first + offset) % len(self.ports)]
            try:
                return await asyncio.open_connection(HOST, port)
            except OSError:
                continue
        return None

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream = await self._connect()
        if upstream is None:
            writer.write(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                         b"Connection: close\r\n\r\n")
            await writer.drain()
            writer.close()
            return
        up_reader, up_writer = upstream
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))


async def serve(listen: int, ports: list[int]) -> None:
    server = await asyncio.start_server(Balancer(ports).handle, HOST, listen)
    async with server:
        await server.serve_forever()


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__)
        return 2
    try:
        asyncio.run(serve(int(argv[1]), [int(port) for port in argv[2:]]))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

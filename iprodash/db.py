"""MongoDB access: the client, and the embedded server for local use.

When ``MONGODB_URI`` is unset the app talks to an embedded
MongoDB-wire-compatible server (``secantusd-py``) that runs as its own local
process with data under ``./data/db``, so several app workers and the
scheduler share one database. Real MongoDB is the production path.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from functools import lru_cache
from pathlib import Path

from pymongo import MongoClient
from pymongo.database import Database
from pymongo.errors import PyMongoError

from iprodash.repositories import event_cache  # noqa: F401 - its write watch, before any client
from iprodash.settings import get_settings


def embedded_uri(port: int) -> str:
    """The connection string of an embedded server on ``port``."""
    return f"mongodb://127.0.0.1:{port}/?directConnection=true"


def database_uri() -> str:
    """The URI the app uses: ``MONGODB_URI`` or the embedded server's."""
    settings = get_settings()
    return settings.mongodb_uri or embedded_uri(settings.embedded_db_port)


@lru_cache(maxsize=1)
def get_client() -> MongoClient:
    """One pooled client per process."""
    return MongoClient(database_uri(), serverSelectionTimeoutMS=5000, tz_aware=True)


def get_db() -> Database:
    """The application database."""
    return get_client()[get_settings().mongodb_db]


def ping(uri: str, timeout_ms: int = 1000) -> bool:
    """True when a server answers at ``uri``."""
    client = MongoClient(uri, serverSelectionTimeoutMS=timeout_ms)
    try:
        client.admin.command("ping")
        return True
    except PyMongoError:
        return False
    finally:
        client.close()


def _server_command() -> list[str]:
    exe = Path(sys.executable).with_name("secantusd-py")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("secantusd-py")
    if not found:
        raise RuntimeError("secantusd-py is not installed; run `make install`.")
    return [found]


def start_embedded_server(storage: Path, port: int, *, log_file: Path | None = None,
                          timeout_s: float = 60.0,
                          cache_size: str | None = None) -> subprocess.Popen | None:
    """Start the embedded server unless one already answers on ``port``.

    Args:
        storage: directory for the server's data files.
        port: TCP port on 127.0.0.1.
        log_file: where the server's output goes (default: next to storage).
        timeout_s: how long to wait for it to answer.
        cache_size: the server's WiredTiger cache, e.g. "4G" (default: the
            ``IPRODASH_EMBEDDED_DB_CACHE`` setting, else the server's 1G).
            Writes slow down once the indexes outgrow it (docs/PERFORMANCE.md).

    Returns:
        The started process, or None when a server was already running.
    """
    uri = embedded_uri(port)
    if ping(uri, 300):
        return None
    storage.mkdir(parents=True, exist_ok=True)
    log_path = log_file or storage.parent / "embedded-db.log"
    log = open(log_path, "ab")  # noqa: SIM115 - handed to the child process
    proc = subprocess.Popen(
        [*_server_command(), "--storage-path", str(storage), "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "WARNING",
         *(["--cache-size", cache] if (cache := cache_size or get_settings().embedded_db_cache)
           else [])],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    (storage.parent / "embedded-db.pid").write_text(str(proc.pid))
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"The embedded database exited; see {log_path}.")
        if ping(uri, 300):
            return proc
        time.sleep(0.2)
    proc.terminate()
    raise RuntimeError(f"The embedded database did not start in {timeout_s:.0f} s.")


def ensure_database() -> None:
    """Make sure the configured database answers, starting the embedded one."""
    settings = get_settings()
    if settings.mongodb_uri:
        return
    start_embedded_server(settings.data_dir / "db", settings.embedded_db_port)


def stop_embedded_server() -> bool:
    """Stop the embedded server started by :func:`ensure_database`."""
    pid_file = get_settings().data_dir / "embedded-db.pid"
    if not pid_file.exists():
        return False
    try:
        os.kill(int(pid_file.read_text()), signal.SIGTERM)
    except (ProcessLookupError, ValueError):
        pass
    pid_file.unlink(missing_ok=True)
    return True

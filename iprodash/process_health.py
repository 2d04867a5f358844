"""Waiting for a started app process to answer ``/api/health``: used by
``make run``, ``make run-multi``, the benchmarks and the browser tests."""

from __future__ import annotations

import subprocess
import time
import urllib.request


def wait_healthy(url: str, proc: subprocess.Popen | None, timeout_s: float = 900,
                 interval_s: float = 2) -> bool:
    """True once ``url``/api/health answers 200; False when ``proc`` exits or time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and (proc is None or proc.poll() is None):
        try:
            with urllib.request.urlopen(f"{url}/api/health", timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(interval_s)
    return False


def require_healthy(url: str, proc: subprocess.Popen | None, timeout_s: float = 900) -> None:
    """Like :func:`wait_healthy`, but raise a ``RuntimeError`` that says what went wrong."""
    if wait_healthy(url, proc, timeout_s):
        return
    if proc is not None and proc.poll() is not None:
        raise RuntimeError(f"the app exited with {proc.returncode}")
    raise RuntimeError("the app did not become healthy in time")

"""Start the scheduler and the app in production mode; print URL and logins.

Used by ``make run``. The embedded database must already be up
(``python -m iprodash.cli db start``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from iprodash.db import stop_embedded_server  # noqa: E402
from iprodash.process_health import wait_healthy  # noqa: E402
from iprodash.settings import get_settings  # noqa: E402

DEMO_LOGINS = ["operator@demo.test (operator)", "admin@demo.test (Demo Locksmith admin)",
               "office@demo.test (Demo Locksmith office user)",
               "admin@other.test (Second Garage Doors admin)"]


def app_env() -> dict[str, str]:
    venv_bin = str(Path(sys.executable).parent)
    return {**os.environ, "REFLEX_USE_NPM": "1", "PATH": f"{venv_bin}:{os.environ['PATH']}",
            "REFLEX_TELEMETRY_ENABLED": "false"}


def banner(url: str) -> None:
    password = get_settings().demo_password
    lines = ["", "=" * 64, f"  iProDash is running at {url}", "", "  Demo logins "
             f"(password: {password}):", *[f"    {login}" for login in DEMO_LOGINS],
             "", "  Press Ctrl+C to stop.", "=" * 64, ""]
    print("\n".join(lines), flush=True)


def single_process_env() -> dict[str, str]:
    """``make run``: one app process with one backend worker and its tabs' state in
    memory, even when the shell has ``REDIS_URL`` set (that is ``make run-multi``)."""
    env = {k: v for k, v in app_env().items() if k not in ("REFLEX_REDIS_URL", "REDIS_URL")}
    return {**env, "GRANIAN_WORKERS": "1"}


def main() -> int:
    settings = get_settings()
    env = single_process_env()
    worker = subprocess.Popen([sys.executable, "-m", "iprodash.jobs.scheduler"], cwd=ROOT, env=env)
    app = subprocess.Popen([str(Path(sys.executable).with_name("reflex")), "run", "--env", "prod",
                            "--frontend-port", str(settings.port), "--backend-port",
                            str(settings.port), "--loglevel", "warning"], cwd=ROOT, env=env)
    print(f"Building and starting iProDash on port {settings.port} "
          "(the first build takes a couple of minutes)...", flush=True)
    try:
        if wait_healthy(settings.public_url, app):
            banner(settings.public_url)
        return app.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for proc in (app, worker):
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        for proc in (app, worker):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        if not settings.mongodb_uri and stop_embedded_server():
            print("Embedded database stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main())

"""``make run-multi``: Redis, two app workers behind one port, and the scheduler once.

The shape of a production deployment on one machine (README, "Production"):
a local ``redis-server`` holds the tabs' UI state (``REFLEX_REDIS_URL``), two
app processes each run one backend worker (``GRANIAN_WORKERS=1``) on their
own port, and :mod:`scripts.tcp_balancer` serves the public port, sending
each connection to a live worker. One scheduler process runs; a second one
would wait for the leader lease. The embedded database must already be up
(``python -m iprodash.cli db start``); with ``MONGODB_URI`` set it is not used.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from run_app import app_env, banner  # noqa: E402
from iprodash.process_health import wait_healthy  # noqa: E402

from iprodash.settings import get_settings  # noqa: E402

REDIS_PORT = int(os.environ.get("IPRODASH_REDIS_PORT", "6390"))


def start_redis(data_dir: Path) -> subprocess.Popen:
    """A local Redis on 127.0.0.1 that keeps nothing on disk (state is per tab, short-lived)."""
    exe = shutil.which("redis-server")
    if exe is None:
        raise SystemExit("redis-server is missing: apt-get install -y redis-server")
    data_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([exe, "--bind", "127.0.0.1", "--port", str(REDIS_PORT),
                             "--save", "", "--appendonly", "no", "--dir", str(data_dir)],
                            stdout=open(data_dir / "redis.log", "ab"),  # noqa: SIM115
                            stderr=subprocess.STDOUT)
    time.sleep(0.5)
    if proc.poll() is not None:
        raise SystemExit(f"redis-server did not start; see {data_dir / 'redis.log'}")
    return proc


def start_worker(port: int, env: dict[str, str]) -> subprocess.Popen:
    """One app process with one backend worker, serving UI and API on ``port``."""
    return subprocess.Popen([str(Path(sys.executable).with_name("reflex")), "run", "--env",
                             "prod", "--frontend-port", str(port), "--backend-port", str(port),
                             "--backend-host", "127.0.0.1", "--loglevel", "warning"],
                            cwd=ROOT, env=env)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> int:
    # SIGTERM (a service manager, `kill`) stops everything the way Ctrl+C does.
    signal.signal(signal.SIGTERM, _interrupt)
    settings = get_settings()
    public, ports = settings.port, [settings.port + 1, settings.port + 2]
    redis = start_redis(settings.data_dir / "redis")
    env = {**app_env(), "REFLEX_REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
           "GRANIAN_WORKERS": "1", "IPRODASH_PUBLIC_URL": settings.public_url}
    procs: list[subprocess.Popen] = [redis]
    try:
        procs.append(subprocess.Popen([sys.executable, "-m", "iprodash.jobs.scheduler"],
                                      cwd=ROOT, env=env))
        procs.append(subprocess.Popen([sys.executable, str(ROOT / "scripts" / "tcp_balancer.py"),
                                       str(public), *map(str, ports)], cwd=ROOT, env=env))
        print(f"Redis on {REDIS_PORT}; building and starting worker 1 on port {ports[0]} "
              "(the first build takes a couple of minutes)...", flush=True)
        first = start_worker(ports[0], env)
        procs.append(first)
        # The second worker starts once the first has built the frontend, so the
        # two never compile into .web at the same time.
        if not wait_healthy(f"http://127.0.0.1:{ports[0]}", first):
            return 1
        print(f"Starting worker 2 on port {ports[1]}...", flush=True)
        second = start_worker(ports[1], env)
        procs.append(second)
        if wait_healthy(f"http://127.0.0.1:{ports[1]}", second):
            print(f"Workers (pids {first.pid}, {second.pid}) on ports {ports[0]} and {ports[1]} "
                  f"behind port {public}; kill one and the tabs reconnect to the other.",
                  flush=True)
            banner(settings.public_url)
        while all(proc.poll() is None for proc in procs[:3]):
            time.sleep(1)
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in reversed(procs):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(main())

"""The scheduler process: APScheduler plus a leader lease in MongoDB.

Run with ``python -m iprodash.jobs.scheduler`` (``make worker``). Any number
of these may run; only the lease holder runs tasks. The holder renews the
lease every third of its time-to-live from a heartbeat job of its own, so
a long task does not let the lease lapse while the process is alive; when
the process dies the lease expires and another worker takes over.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime

from apscheduler.schedulers.blocking import BlockingScheduler
from pymongo.database import Database
from pymongo.errors import PyMongoError

from iprodash.db import ensure_database, get_db
from iprodash.jobs.tasks import TASKS, run_logged
from iprodash.repositories.base import utcnow
from iprodash.repositories.indexes import ensure_indexes
from iprodash.repositories.leases import LeaseRepository
from iprodash.settings import get_settings

LEASE_NAME = "scheduler-leader"
log = logging.getLogger("iprodash.scheduler")


class Leader:
    """Holds the lease; tasks run only while :meth:`is_leader` is true."""

    def __init__(self, db: Database, *, ttl_seconds: int | None = None,
                 clock: Callable[[], datetime] = utcnow):
        self.db = db
        self.holder = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.leases = LeaseRepository(db)
        self.ttl_seconds = ttl_seconds or get_settings().scheduler_lease_seconds
        self.clock = clock

    def is_leader(self) -> bool:
        """Take or renew the lease; False when another worker holds it."""
        try:
            return self.leases.acquire(LEASE_NAME, self.holder, self.ttl_seconds, self.clock())
        except PyMongoError:
            log.warning("lease check failed; not running tasks until the database answers")
            return False

    def run(self, name: str) -> bool:
        """Run task ``name`` if this worker leads; True when it ran."""
        if not self.is_leader():
            return False
        run_logged(self.db, name, holder=self.holder)
        return True

    def release(self) -> None:
        self.leases.release(LEASE_NAME, self.holder)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    ensure_database()
    db = get_db()
    ensure_indexes(db)
    leader = Leader(db)
    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(leader.is_leader, "interval", seconds=max(leader.ttl_seconds // 3, 1),
                      id="lease_heartbeat", max_instances=1, coalesce=True)
    for name, (_, interval) in TASKS.items():
        scheduler.add_job(leader.run, "interval", seconds=interval, args=[name], id=name,
                          max_instances=1, coalesce=True)
    log.info("scheduler %s started", leader.holder)
    try:
        scheduler.start()
    finally:
        leader.release()


if __name__ == "__main__":
    main()

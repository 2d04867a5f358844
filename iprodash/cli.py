"""Command line: ``python -m iprodash.cli <command>``.

Commands: ``db start|stop``, ``init`` (indexes), ``seed --demo``,
``create-operator``, ``audit verify``, ``drain-outbox``, ``backup``, ``restore``,
``new-backup-key``.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from iprodash.db import ensure_database, get_db, stop_embedded_server
from iprodash.domain.errors import DomainError
from iprodash.repositories.indexes import ensure_indexes
from iprodash.settings import get_settings


def _db():
    ensure_database()
    db = get_db()
    ensure_indexes(db)
    return db


def cmd_db(args: argparse.Namespace) -> int:
    if args.action == "start":
        ensure_database()
        print("Database is up.")
    else:
        print("Stopped." if stop_embedded_server() else "No embedded database was running.")
    return 0


def cmd_init(_: argparse.Namespace) -> int:
    _db()
    print("Indexes are in place.")
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    from iprodash.services.demo_seed import seed_demo

    if not args.demo:
        print("Nothing to do: pass --demo.")
        return 2
    created = seed_demo(_db(), password=get_settings().demo_password)
    print("Demo data: " + (", ".join(created) if created else "already present."))
    if args.jobs > 0:
        from iprodash.services.demo_jobs import seed_demo_jobs

        added = seed_demo_jobs(_db(), jobs=args.jobs)
        print(f"Demo jobs: {added.jobs} added ({added.clients} clients, {added.technicians} "
              f"technicians, {added.sources} lead sources)." if added.jobs else
              f"Demo jobs: the demo company already has {args.jobs} or more; nothing added.")
    return 0


def cmd_create_operator(args: argparse.Namespace) -> int:
    from iprodash.services.demo_seed import create_operator

    password = args.password or getpass.getpass("Password (10+ characters): ")
    if create_operator(_db(), name=args.name, email=args.email, password=password):
        print(f"Operator {args.email} created.")
        return 0
    print(f"An account with {args.email} already exists.")
    return 1


def cmd_audit(args: argparse.Namespace) -> int:
    from iprodash.repositories.audit import AuditChain

    db = _db()
    chain = AuditChain(db)
    if args.action == "sign-heads":
        signed = chain.sign_unsigned_heads()
        print(f"Signed {signed} chain heads whose chains verify.")
        return 0
    known = {str(c): c for c in [*db["companies"].distinct("_id"), *chain.chain_ids()] if c}
    company_ids = [None, *known.values()]
    broken = 0
    for company_id in company_ids:
        ok, checked, problem = chain.verify(company_id)
        label = str(company_id) if company_id else "platform"
        if not ok:
            broken += 1
            print(f"BROKEN {label}: {problem} (after {checked} good entries)")
    print(f"Checked {len(company_ids)} chains; {broken} broken.")
    return 1 if broken else 0


def cmd_drain(_: argparse.Namespace) -> int:
    from iprodash.services.outbox_dispatch import drain_outbox

    print(drain_outbox(_db()))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from iprodash.services.backup import create_backup

    settings = get_settings()
    out_dir = Path(args.out) if args.out else settings.backup_dir
    path, manifest = create_backup(_db(), out_dir=out_dir, keep=settings.backup_keep)
    total = sum(info["count"] for info in manifest["collections"].values())
    print(f"Backup written: {path} ({len(manifest['collections'])} collections, {total} documents)")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from iprodash.services.backup import restore_backup
    from iprodash.services.erasure_ledger import read_ledger

    ensure_database()
    db = get_db()
    ledger = read_ledger(Path(args.ledger)) if args.ledger else None
    manifest = restore_backup(db, path=Path(args.source), ledger=ledger)
    ensure_indexes(db)
    total = sum(info["count"] for info in manifest["collections"].values())
    replayed = sum(manifest["erasures_replayed"].values())
    print(f"Restored {total} documents into {db.name}; the data matches the backup's manifest. "
          f"Re-applied {replayed} erasures recorded after the backup.")
    return 0


def cmd_new_backup_key(args: argparse.Namespace) -> int:
    import secrets

    print(secrets.token_urlsafe(48))
    print("Set it as IPRODASH_BACKUP_KEY, keep a copy apart from the backups: without it "
          "no backup can be restored.", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m iprodash.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    db_cmd = sub.add_parser("db", help="start or stop the embedded database")
    db_cmd.add_argument("action", choices=["start", "stop"])
    db_cmd.set_defaults(func=cmd_db)
    sub.add_parser("init", help="create indexes").set_defaults(func=cmd_init)
    seed = sub.add_parser("seed", help="load demo data (idempotent)")
    seed.add_argument("--demo", action="store_true")
    seed.add_argument("--jobs", type=int, default=0,
                      help="make sure the demo company has at least this many jobs")
    seed.set_defaults(func=cmd_seed)
    op = sub.add_parser("create-operator", help="create a platform operator")
    op.add_argument("--email", required=True)
    op.add_argument("--name", default="Operator")
    op.add_argument("--password", default="")
    op.set_defaults(func=cmd_create_operator)
    aud = sub.add_parser("audit", help="verify the audit hash chains")
    aud.add_argument("action", choices=["verify", "sign-heads"],
                     help="sign-heads: once after upgrading, sign heads written before "
                          "heads were signed")
    aud.set_defaults(func=cmd_audit)
    sub.add_parser("drain-outbox", help="send queued messages once").set_defaults(func=cmd_drain)
    bak = sub.add_parser("backup", help="write a compressed snapshot of the database")
    bak.add_argument("--out", default="", help="directory (default IPRODASH_BACKUP_DIR)")
    bak.set_defaults(func=cmd_backup)
    res = sub.add_parser("restore", help="load a backup into an empty database")
    res.add_argument("--from", dest="source", required=True,
                     help="the backup file (iprodash-backup-*.tar.sealed)")
    res.add_argument("--ledger", default="",
                     help="the erasure ledger file (default IPRODASH_ERASURE_LEDGER)")
    res.set_defaults(func=cmd_restore)
    sub.add_parser("new-backup-key", help="print a random IPRODASH_BACKUP_KEY").set_defaults(
        func=cmd_new_backup_key)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""Demo jobs: technicians, lead sources, clients and realistic jobs, in bulk.

``python -m iprodash.cli seed --demo --jobs N`` tops the "Demo Locksmith"
company up to N jobs over the last 12 months (and a couple of weeks ahead):
mixed statuses, payment methods and parts, finance from the one finance
function, rollups summed in bulk to match. Documents go in with
``insert_many`` batches; a second run asks for nothing new and adds nothing.
The generator is seeded, so a run is reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from functools import lru_cache

import phonenumbers
from bson import ObjectId
from pymongo.database import Database

from iprodash.domain.errors import NotFound
from iprodash.domain.finance import Part, Payment
from iprodash.domain.phones import phone_digits
from iprodash.repositories.base import utcnow
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.counters import CounterRepository
from iprodash.repositories.job_csv import BulkJobWriter
from iprodash.repositories.lead_sources import LeadSourceRepository
from iprodash.repositories.rollups import RollupRepository
from iprodash.repositories.technicians import TechnicianRepository
from iprodash.services.job_documents import (build_client_document, build_job_document,
                                             snapshot_rates)
from iprodash.services.rollups import RollupBatch, company_zone

DEMO_COMPANY_CODE = "DEMOLOCK"
SEED_REASON = "Demo data"
FIRST = ["Ann", "Bob", "Carla", "Dev", "Elena", "Frank", "Grace", "Hector", "Ivy", "Jamal",
         "Kim", "Luis", "Maya", "Nate", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tara",
         "Umar", "Vera", "Wes", "Xena", "Yusuf", "Zoe", "José", "Chloé", "Sean", "Mei"]
LAST = ["Lee", "Garcia", "Smith", "Nguyen", "Patel", "O'Brien", "Kowalski", "Johnson",
        "Brown", "Davis", "Martinez", "Wilson", "Anderson", "Thomas", "Moore", "Jackson",
        "Martin", "Thompson", "White", "Lopez", "Clark", "Lewis", "Walker", "Hall", "Young"]
STREETS = ["Main St", "Oak Ave", "Maple Dr", "Broadway", "Elm St", "Park Ave", "Cedar Ln",
           "Lake Rd", "Hill St", "River Rd", "2nd Ave", "Pine St", "Washington Blvd"]
CITIES = [("Brooklyn", "NY", "11201"), ("Queens", "NY", "11101"), ("Bronx", "NY", "10451"),
          ("Jersey City", "NJ", "07302"), ("Hoboken", "NJ", "07030"), ("Yonkers", "NY", "10701")]
JOB_TYPES = [("Car lockout", 9500, 22000), ("House lockout", 11000, 26000),
             ("Rekey", 12000, 38000), ("Lock installation", 18000, 65000),
             ("Smart lock install", 22000, 60000), ("Safe opening", 25000, 90000),
             ("Broken key extraction", 9000, 18000), ("Ignition repair", 20000, 55000),
             ("Commercial lock change", 30000, 120000), ("Mailbox lock", 8000, 16000)]
TECH_COLORS = ["#e11d48", "#2563eb", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777",
               "#65a30d"]
SOURCE_TERMS = [("Google Ads", "percent", 1000, 0), ("Yelp", "fixed", 0, 2500),
                ("Thumbtack", "fixed", 0, 3000), ("Referral", "percent", 500, 0),
                ("Website", "percent", 0, 0), ("Angi", "percent", 1200, 0)]


@lru_cache(maxsize=1)
def _area_codes() -> tuple[str, ...]:
    """US area codes whose 555-01xx numbers are valid: fictional, never a real person."""
    return tuple(str(code) for code in range(201, 990)
                 if phonenumbers.is_valid_number(phonenumbers.parse(f"+1{code}5550100")))


def demo_phone(n: int) -> str:
    """The n-th fictional phone number, E.164 (555-0100 to 555-0199 in many area codes)."""
    codes = _area_codes()
    return f"+1{codes[(n // 100) % len(codes)]}55501{n % 100:02d}"


@dataclass(frozen=True)
class SeedResult:
    """What a seed run added."""

    jobs: int
    clients: int
    technicians: int
    sources: int


def ensure_crew(db: Database, company_id: ObjectId, *, technicians: int,
                sources: int) -> tuple[list[dict], list[dict], int, int]:
    """Create the missing demo technicians and sources (matched by name)."""
    now = utcnow()
    techs_repo, sources_repo = (TechnicianRepository(db, company_id),
                                LeadSourceRepository(db, company_id))
    have_techs = {t["name"]: t for t in techs_repo.page(after=None, limit=1000)}
    have_sources = {s["name"]: s for s in sources_repo.page(after=None, limit=1000)}
    new_techs, new_sources = [], []
    for n in range(technicians):
        name = f"{FIRST[n % len(FIRST)]} {LAST[(n * 7) % len(LAST)]}" + \
            (f" {n // len(FIRST) + 1}" if n >= len(FIRST) else "")
        if name not in have_techs:
            phone = demo_phone(90_000 + n)
            new_techs.append({"name": name, "nickname": name.split()[0], "phone": phone,
                              "phone_digits": phone_digits(phone), "email": "",
                              "commission_bp": (30, 35, 40, 45, 50)[n % 5] * 100,
                              "job_fee_cents": (0, 0, 500, 1000)[n % 4],
                              "color": TECH_COLORS[n % len(TECH_COLORS)], "active": True,
                              "created_at": now, "updated_at": now})
    for n in range(sources):
        name, kind, rate, fixed = SOURCE_TERMS[n % len(SOURCE_TERMS)]
        name += f" {n // len(SOURCE_TERMS) + 1}" if n >= len(SOURCE_TERMS) else ""
        if name not in have_sources:
            new_sources.append({"name": name, "kind": kind, "rate_bp": rate,
                                "fixed_cents": fixed, "active": True, "created_at": now,
                                "updated_at": now})
    techs_repo.insert_many(new_techs)
    sources_repo.insert_many(new_sources)
    return (techs_repo.page(after=None, limit=1000)[:max(technicians, 1)],
            sources_repo.page(after=None, limit=1000)[:max(sources, 1)],
            len(new_techs), len(new_sources))


class DemoJobFactory:
    """Makes one realistic job (and sometimes its new client) at a time."""

    def __init__(self, *, rng: random.Random, company: dict, zone, techs: list[dict],
                 sources: list[dict], now: datetime, first_phone: int):
        self.rng, self.company, self.zone, self.now = rng, company, zone, now
        self.techs, self.sources = techs, sources
        self.clients: list[dict] = []
        self.next_phone = first_phone

    def _client(self, new_clients: list[dict]) -> dict:
        if self.clients and self.rng.random() < 0.3:
            return self.rng.choice(self.clients)
        rng = self.rng
        city, state, zip_code = rng.choice(CITIES)
        client = build_client_document(
            name=f"{rng.choice(FIRST)} {rng.choice(LAST)}", phone=demo_phone(self.next_phone),
            email="", address={"line": f"{rng.randint(1, 999)} {rng.choice(STREETS)}",
                               "city": city, "state": state, "zip": zip_code}, now=self.now)
        self.next_phone += 1
        self.clients.append(client)
        new_clients.append(client)
        return client

    def _status(self, start: datetime) -> str:
        roll = self.rng.random()
        if start > self.now:
            return "scheduled" if roll < 0.7 else "new"
        if start > self.now - timedelta(days=2):
            return ("en_route", "in_progress", "pending_approval", "closed")[int(roll * 4)]
        return "closed" if roll < 0.82 else "canceled" if roll < 0.95 else "pending_approval"

    def _closing(self, price: int) -> tuple[list[Payment], list[Part]]:
        rng = self.rng
        methods = ["card", "cash"] if rng.random() < 0.12 else \
            [rng.choices(["cash", "card", "check", "zelle", "other"], [35, 45, 5, 10, 5])[0]]
        first = price if len(methods) == 1 else price // 2
        payments = []
        for method, amount in zip(methods, (first, price - first)):
            by_tech = {"cash": 0.85, "check": 0.85, "card": 0.3, "zelle": 0.4}.get(method, 0.1)
            payments.append(Payment(method, amount, "technician" if rng.random() < by_tech
                                    else "company"))
        parts = [Part(rng.choice(["Cylinder", "Deadbolt", "Key blank", "Smart lock", "Strike"]),
                      max(100, price * rng.randint(8, 30) // 100 // 100 * 100),
                      "technician" if rng.random() < 0.55 else "company")
                 for _ in range(rng.choice([0, 0, 0, 1, 1, 2]))]
        return payments, parts

    def job(self, number: int, new_clients: list[dict]) -> dict:
        rng = self.rng
        day = self.now - timedelta(days=rng.randint(-14, 365))
        local = datetime.combine(day.astimezone(self.zone).date(),
                                 time(8 + rng.randint(0, 21) // 2, 30 * rng.randint(0, 1)),
                                 self.zone)
        start = local.astimezone(timezone.utc)
        status = self._status(start)
        tech = rng.choice(self.techs) if status != "new" or rng.random() < 0.3 else None
        source = rng.choice(self.sources) if rng.random() < 0.85 else None
        job_type, low, high = rng.choice(JOB_TYPES)
        payments, parts, rates, closed_at = [], [], None, None
        if status == "closed":
            payments, parts = self._closing(rng.randint(low // 500, high // 500) * 500)
            rates = snapshot_rates(company=self.company, technician=tech, source=source)
            closed_at = min(start + timedelta(minutes=rng.randint(45, 240)), self.now)
        client = self._client(new_clients)
        created = min(start - timedelta(hours=rng.randint(0, 72)), self.now)
        return build_job_document(
            number=number, client=client, address=client["address"], job_type=job_type,
            description="", notes="", scheduled_start=start,
            scheduled_end=start + timedelta(hours=2),
            technician_id=tech["_id"] if tech else None,
            lead_source_id=source["_id"] if source else None, status=status,
            created_at=created, by_id=None, by_name="Demo data", reason=SEED_REASON,
            payments=payments, parts=parts, rates=rates, closed_at=closed_at, zone=self.zone)


def generate_batches(factory: DemoJobFactory, *, first_number: int, count: int,
                     batch_size: int) -> Iterator[tuple[list[dict], list[dict]]]:
    """``(new clients, jobs)`` batches of up to ``batch_size`` jobs."""
    for start in range(0, count, batch_size):
        clients: list[dict] = []
        jobs = [factory.job(first_number + start + n, clients)
                for n in range(min(batch_size, count - start))]
        yield clients, jobs


def demo_factory(db: Database, company_id: ObjectId, *, technicians: int, sources: int,
                 seed: int, first_number: int,
                 now: datetime | None = None) -> tuple[DemoJobFactory, int, int]:
    """A job factory for the company, after making sure its demo crew exists.

    Returns:
        ``(factory, technicians added, sources added)``.
    """
    company = CompanyRepository(db).by_id(company_id)
    if company is None:
        raise NotFound("That company does not exist.")
    techs, srcs, new_techs, new_sources = ensure_crew(db, company_id, technicians=technicians,
                                                      sources=sources)
    factory = DemoJobFactory(rng=random.Random(seed + first_number), company=company,
                             zone=company_zone(db, company_id), techs=techs, sources=srcs,
                             now=now or utcnow(), first_phone=first_number * 2)
    return factory, new_techs, new_sources


def _write_batch(writer: BulkJobWriter, clients: list[dict], jobs: list[dict]) -> int:
    """Insert one generated batch (the repositories split it into small calls)."""
    writer.insert(clients=clients, jobs=jobs)
    return len(jobs)


def seed_jobs(db: Database, *, company_id: ObjectId, count: int, technicians: int = 8,
              sources: int = 6, seed: int = 7, batch_size: int = 1000,
              now: datetime | None = None,
              progress: Callable[[int], None] | None = None) -> SeedResult:
    """Add ``count`` demo jobs (and their crew and clients) to a company, in bulk.

    Args:
        company_id: The company.
        count: Jobs to add.
        technicians: How many demo technicians to make sure exist.
        sources: How many demo lead sources to make sure exist.
        seed: Random seed (a run is reproducible).
        batch_size: Jobs per ``insert_many``.
        now: The current time (jobs span the year before it and two weeks after).
        progress: Called with the number of jobs written so far, after each batch.
    """
    counters = CounterRepository(db, company_id)
    first = counters.current() + 1
    factory, new_techs, new_sources = demo_factory(
        db, company_id, technicians=technicians, sources=sources, seed=seed,
        first_number=first, now=now)
    if count <= 0:
        return SeedResult(0, 0, new_techs, new_sources)
    first = counters.reserve(count)
    fresh = RollupRepository(db, company_id).find_one({}) is None
    writer, rollup_batch = BulkJobWriter(db, company_id), RollupBatch(factory.zone)
    clients_added = 0
    # The next batch is generated while the previous one is written, so the
    # seed runs at the database's insert speed rather than insert + Python.
    with ThreadPoolExecutor(max_workers=1) as writer_thread:
        pending, written = None, 0
        for clients, jobs in generate_batches(factory, first_number=first, count=count,
                                              batch_size=batch_size):
            if pending is not None:
                written += pending.result()
                if progress:
                    progress(written)
            pending = writer_thread.submit(_write_batch, writer, clients, jobs)
            rollup_batch.add(jobs)
            clients_added += len(clients)
        if pending is not None:
            written += pending.result()
            if progress:
                progress(written)
    rollup_batch.save(db, company_id, fresh=fresh)
    return SeedResult(count, clients_added, new_techs, new_sources)


def seed_demo_jobs(db: Database, *, jobs: int) -> SeedResult:
    """Top the demo company up to ``jobs`` jobs; nothing is added when it has enough.

    Raises:
        NotFound: the demo company is missing (run ``seed --demo`` first).
    """
    company = CompanyRepository(db).by_code(DEMO_COMPANY_CODE)
    if company is None:
        raise NotFound("The demo company is missing; run `seed --demo` first.")
    have = CounterRepository(db, company["_id"]).current()
    if jobs <= have:
        return SeedResult(0, 0, 0, 0)
    return seed_jobs(db, company_id=company["_id"], count=jobs - have)

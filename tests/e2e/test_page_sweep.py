"""Every registered page, for every kind of person, on a desktop and on a phone.

The pages come from the app's page registry (``components.layout.PAGES``), so
a new page is swept without anyone editing this test. Each person opens every
page their role may see, then every page linked from those that the registry
knows and the sweep has not opened yet (a job from the jobs list, a thread
from the inbox). ``sweep.Visitor`` says what counts as broken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
import pytest
from playwright.sync_api import expect

import iprodash.iprodash  # noqa: F401 - importing the app fills the page registry
from components.layout import PAGES, PageSpec
from iprodash.services import conversations
from iprodash.services.sms import optin_link
from iprodash.services.technician_access import create_technician_link
from state import routes
from tests.e2e.billing_flow import make_read_only
from tests.e2e.conftest import login, open_technician_link
from tests.e2e.office_data import DemoOffice
from tests.e2e.sweep import DESKTOP, PHONE, Problems, Visitor

# Pages that only send a person elsewhere: opened, never expected to stay.
REDIRECTORS = {routes.HOME, "/"}
_DYNAMIC = re.compile(r"\[(\w+)\]")


@dataclass(frozen=True)
class Person:
    label: str
    email: str = ""          # log in through the form
    technician: bool = False  # sign in through a texted link
    read_only: bool = False   # a company whose plan ended
    roles: tuple[str, ...] = ()


PEOPLE = [
    Person("operator", "operator@demo.test", roles=("operator",)),
    Person("admin", "admin@demo.test", roles=("company_admin",)),
    Person("office", "office@demo.test", roles=("user",)),
    Person("technician", technician=True, roles=("technician",)),
    Person("read-only", "admin@other.test", read_only=True, roles=("company_admin",)),
    Person("visitor"),
]


def _may_open(person: Person, spec: PageSpec) -> bool:
    if not person.roles:
        return spec.public
    if spec.public:
        return False
    if person.technician:
        return "technician" in spec.roles
    return not spec.roles or any(role in spec.roles for role in person.roles)


def _heading(spec: PageSpec) -> str:
    return "" if spec.route in REDIRECTORS else spec.title.removesuffix(" · iProDash")


def _route_for(path: str) -> PageSpec | None:
    """The registered page a concrete path belongs to (a literal route wins)."""
    for spec in PAGES:
        if spec.route == path:
            return spec
    for spec in PAGES:
        pattern = "^" + _DYNAMIC.sub(r"[^/]+", re.escape(spec.route).replace(r"\[", "[")
                                     .replace(r"\]", "]")) + "$"
        if re.match(pattern, path):
            return spec
    return None


class World(DemoOffice):
    """Concrete values for the registry's dynamic routes, made through the services."""

    def __init__(self, app_db):
        super().__init__(app_db)
        self.tech_id = self.technician("Sid Sweep", "(212) 555-0166")
        self.office_job = self.job(client="Olga Sweep", phone="(212) 555-0168")
        self.tech_job = self.job(client="Sally Sweep", phone="(212) 555-0167",
                                 technician_id=self.tech_id, scheduled=True)
        self.thread = conversations.client_thread_key(
            app_db, actor=self.admin, client_id=str(self.office_job["client_id"]))

    def path(self, spec: PageSpec) -> str:
        job = self.tech_job if spec.route == routes.TECH_JOB else self.office_job
        values = {"job_id": str(job["_id"]), "thread": self.thread,
                  "client_id": str(self.office_job["client_id"]),
                  "token": "not-a-real-token",
                  "optin_code": optin_link(self.db, self.company).rstrip("/").rsplit("/", 1)[-1]}
        return _DYNAMIC.sub(lambda m: values[m.group(1)], spec.route)


@pytest.fixture(scope="module")
def world(app_db):
    return World(app_db)


def _sign_in(page, person: Person, world: World, fake_stripe) -> None:
    if person.technician:
        open_technician_link(page, create_technician_link(world.db, actor=world.admin,
                                                          technician_id=world.tech_id))
        expect(page.get_by_role("heading", name="My jobs")).to_be_visible()
    elif person.read_only:
        login(page, person.email)
        make_read_only(page)
    elif person.email:
        login(page, person.email)


def _internal_links(page) -> set[str]:
    hrefs = page.eval_on_selector_all(
        "a[href^='/']", "els => els.map(e => e.getAttribute('href'))")
    return {h.split("?")[0].split("#")[0] for h in hrefs if not h.startswith("/api/")}


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("person", PEOPLE, ids=[p.label for p in PEOPLE])
def test_every_page_works(browser, app_server, fake_stripe, world, person, size):
    phone = size == PHONE
    context = browser.new_context(base_url=app_server["url"], viewport=size,
                                  is_mobile=phone, has_touch=phone)
    context.set_default_timeout(20_000)
    page = context.new_page()
    problems = Problems()
    try:
        _sign_in(page, person, world, fake_stripe)
        visitor = Visitor(page, app_server["log_path"], person.label)
        specs = [spec for spec in PAGES if _may_open(person, spec)]
        assert specs, f"no page in the registry for {person.label}"
        opened: set[str] = set()
        linked: dict[str, str] = {}  # one linked example of each page with a parameter
        for spec in specs:
            path = world.path(spec)
            visitor.visit(path, title=_heading(spec), route=spec.route, problems=problems,
                          phone=phone)
            opened.add(path)
            for href in _internal_links(page):
                target = _route_for(href)
                if target is not None and "[" in target.route and _may_open(person, target):
                    linked.setdefault(target.route, href)
        for route, href in linked.items():
            if href not in opened:
                visitor.visit(href, title=_heading(_route_for(href)), route=route,
                              problems=problems, phone=phone)
    finally:
        context.close()
    problems.assert_none()

"""Browser tests: the real app in production mode, driven by Debian's chromium.

One app process per test session (the frontend build takes a few minutes
the first time), on its own port and its own database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

from iprodash.process_health import require_healthy
from tests.conftest import ROOT
from tests.fakes.stripe_fake import FakeStripe

CHROMIUM = "/usr/bin/chromium"
E2E_PORT = int(os.environ.get("IPRODASH_E2E_PORT", "3123"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


STRIPE_WEBHOOK_SECRET = "whsec_e2e_test_secret"
STRIPE_CONNECT_WEBHOOK_SECRET = "whsec_e2e_connect_secret"
# Telnyx signs its webhooks with ed25519; the browser tests sign inbound texts
# with this fixed test key (its public half is the app's TELNYX_PUBLIC_KEY).
TELNYX_TEST_SEED = bytes(range(32))


@pytest.fixture(scope="session")
def fake_stripe():
    """A local fake Stripe API and hosted pages that post signed webhooks to the app
    (billing events to the billing endpoint, Connect events to the Connect one)."""
    url = f"http://localhost:{E2E_PORT}/api/webhooks/stripe"
    with FakeStripe(webhook_secret=STRIPE_WEBHOOK_SECRET, webhook_url=url,
                    plans={"price_basic": 4900}, connect_secret=STRIPE_CONNECT_WEBHOOK_SECRET,
                    connect_url=f"{url}-connect") as fake:
        yield fake


def _telnyx_public_key() -> str:
    import base64

    from nacl.signing import SigningKey

    return base64.b64encode(bytes(SigningKey(TELNYX_TEST_SEED).verify_key)).decode()


@contextmanager
def prod_app(mongo_uri: str, tmp_path_factory, *, port: int, env: dict[str, str]):
    """Seed a fresh database and run ``reflex run --env prod`` on ``port`` until the block ends.

    ``env`` adds to or overrides the process environment (``IPRODASH_PUBLIC_URL`` defaults
    to ``http://localhost:<port>``). Yields the public ``url``, the ``direct_url`` of the
    app itself (the same unless a proxy is in front), ``env``, ``db_name``, ``mongo_uri``
    and ``log_path``. Each call builds ``.web`` for its own public address.
    """
    db_name = f"e2e_{uuid.uuid4().hex[:8]}"
    direct_url = f"http://localhost:{port}"
    venv_bin = str(Path(sys.executable).parent)
    env = {**os.environ, "MONGODB_URI": mongo_uri, "MONGODB_DB": db_name, "PORT": str(port),
           "IPRODASH_PUBLIC_URL": direct_url, "REFLEX_USE_NPM": "1",
           "IPRODASH_DATA_DIR": str(tmp_path_factory.mktemp("e2e-data")),
           "PATH": f"{venv_bin}:{os.environ['PATH']}", "REFLEX_TELEMETRY_ENABLED": "false",
           **env}
    subprocess.run([sys.executable, "-m", "iprodash.cli", "seed", "--demo"], cwd=ROOT, env=env,
                   check=True)
    log_path = tmp_path_factory.mktemp("e2e-logs") / "app.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [str(Path(venv_bin) / "reflex"), "run", "--env", "prod", "--frontend-port",
             str(port), "--backend-port", str(port)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        require_healthy(direct_url, proc, timeout_s=900)
        yield {"url": env["IPRODASH_PUBLIC_URL"], "direct_url": direct_url, "env": env,
               "db_name": db_name, "mongo_uri": mongo_uri, "log_path": log_path}
    except RuntimeError:
        print(log_path.read_text()[-5000:])
        raise
    finally:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)


@pytest.fixture(scope="session")
def app_server(mongo_uri, tmp_path_factory, fake_stripe):
    """Start ``reflex run --env prod`` on E2E_PORT against a fresh database."""
    if not os.path.exists(CHROMIUM):
        pytest.fail("Browser tests need Debian's chromium: apt-get install -y chromium")
    with prod_app(mongo_uri, tmp_path_factory, port=E2E_PORT, env={
            "STRIPE_API_KEY": "sk_test_e2e", "STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET,
            "STRIPE_CONNECT_WEBHOOK_SECRET": STRIPE_CONNECT_WEBHOOK_SECRET,
            "STRIPE_API_BASE": fake_stripe.url, "IPRODASH_PLANS": "price_basic:Basic:4900",
            "IPRODASH_TRIAL_DAYS": "1", "TELNYX_PUBLIC_KEY": _telnyx_public_key()}) as app:
        yield app


@pytest.fixture(scope="session")
def app_db(app_server):
    """The app's database, for reading emails from the outbox and checking state."""
    from pymongo import MongoClient

    client = MongoClient(app_server["mongo_uri"], tz_aware=True)
    yield client[app_server["db_name"]]
    client.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, app_server):
    context = browser.new_context(base_url=app_server["url"], viewport={"width": 1280,
                                                                         "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, app_server):
    context = browser.new_context(base_url=app_server["url"], viewport={"width": 375,
                                                                         "height": 812},
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()


def login(page, email: str, password: str = "demo-pass-1234") -> None:
    """Log in through the real form and wait for the start page."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda u: "/login" not in u and "/home" not in u)


def open_technician_link(page, path: str) -> None:
    """Open a technician's texted link as they do: the page, then "Open my jobs".

    Opening the link alone spends nothing (a link preview must not use it up);
    the button does.
    """
    page.goto(path)
    page.get_by_role("button", name="Open my jobs").click()
    page.wait_for_url(lambda u: "/api/tech/open/" not in u)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Save a screenshot of the failing page next to the test run."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    for name in ("page", "phone_page"):
        browser_page = item.funcargs.get(name)
        if browser_page is not None:
            target = Path(os.environ.get("IPRODASH_E2E_ARTIFACTS", "/tmp")) / (
                f"e2e-{item.name}-{name}.png")
            try:
                browser_page.screenshot(path=str(target), full_page=True)
                print(f"screenshot: {target}")
            except Exception:  # noqa: BLE001 - a closed page cannot be captured
                pass


def pytest_collection_modifyitems(session, config, items):
    """Browser tests run after every other test; the multi-worker and HTTPS-proxy ones last.

    Playwright's sync API keeps an event loop running in the main thread while
    the session's browser lives, so a later test that calls ``asyncio.run``
    (the state and middleware tests) would fail. And the multi-worker tests'
    workers run ``reflex run --env prod`` from the same project folder, which
    rebuilds ``.web`` for their own ports while this session's app server
    serves it: every browser test after them would talk to a dead port. The HTTPS test
    behind Caddy rebuilds ``.web`` for its https address the same way.
    """
    def rank(item) -> int:
        module = item.module.__name__
        if module.endswith(("test_multi_worker", "test_https_proxy")):
            return 2
        return 1 if module.startswith("tests.e2e.") else 0

    items[:] = sorted(items, key=rank)  # stable: each group keeps its own order

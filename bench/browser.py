"""``make bench-browser``: the first page and in-app navigation in Chromium.

On the production build with the demo company (started like the sessions
bench, or ``--url`` of a running app), Debian's ``/usr/bin/chromium`` driven
by Playwright:

* **first page**, in a fresh browser context each run (empty cache): open
  ``/login`` until the form shows, then from the click on "Log in" until the
  dashboard's charts are drawn (target: <= 2 s for the click to the charts);
* **navigation**: in one signed-in tab, clicks a person makes: the menu's
  Jobs (until the list's rows show), a job's row (until its "#number"
  heading shows), the menu's Dashboard (until a chart is drawn); p50/p95 per
  kind and over all (target p95 <= 500 ms).

Figures go to ``bench/results.json`` under ``"browser"``. Not a timed test.
"""

from __future__ import annotations

import argparse
import re
import time

from bench.sessions import RESULTS, _commit, _machine, start_app, write_results
from bench.timing import percentile

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CHART = ".js-plotly-plot .main-svg"
JOB_ROW = 'a[href^="/jobs/"]:not([href="/jobs/new"])'
JOB_HEADING = re.compile(r"^#\s*\d+")
TARGETS = {"first_page_ms": 2000.0, "navigation_p95_ms": 500.0}


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)


def first_page(browser, url: str, email: str, password: str) -> dict:
    context = browser.new_context(base_url=url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto("/login")
        page.get_by_label("Email").wait_for()
        login_form = _ms(start)
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        start = time.perf_counter()
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(re.compile(r"/dashboard/?$"))
        at_dashboard = _ms(start)
        page.get_by_text("Jobs booked", exact=True).first.wait_for()
        tiles = _ms(start)
        page.locator(CHART).first.wait_for()
        return {"login_form_ms": login_form, "login_to_dashboard_url_ms": at_dashboard,
                "login_to_tiles_ms": tiles, "login_to_charts_ms": _ms(start)}
    finally:
        context.close()


def navigation(browser, url: str, email: str, password: str, rounds: int) -> dict[str, list]:
    context = browser.new_context(base_url=url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    samples: dict[str, list[float]] = {"jobs list": [], "job page": [], "dashboard": []}
    try:
        page.goto("/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.locator(CHART).first.wait_for()
        for n in range(rounds):
            start = time.perf_counter()
            page.get_by_role("link", name="Jobs", exact=True).first.click()
            page.wait_for_url(re.compile(r"/jobs/?$"))
            page.locator(JOB_ROW).first.wait_for()
            samples["jobs list"].append(_ms(start))
            rows = page.locator(JOB_ROW)
            row = rows.nth(n % max(1, min(rows.count(), 20)))
            start = time.perf_counter()
            row.click()
            page.get_by_role("heading", name=JOB_HEADING).first.wait_for()
            samples["job page"].append(_ms(start))
            start = time.perf_counter()
            page.get_by_role("link", name="Dashboard", exact=True).first.click()
            page.wait_for_url(re.compile(r"/dashboard/?$"))
            page.locator(CHART).first.wait_for()
            samples["dashboard"].append(_ms(start))
    finally:
        context.close()
    return samples


def _summary(values: list[float]) -> dict:
    return {"n": len(values), "p50_ms": round(percentile(values, 50), 1),
            "p95_ms": round(percentile(values, 95), 1), "max_ms": max(values)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.browser")
    parser.add_argument("--url", default="", help="a running app (else one is started)")
    parser.add_argument("--port", type=int, default=3100)
    parser.add_argument("--jobs", type=int, default=3000)
    parser.add_argument("--first-runs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=10, help="Jobs -> job -> Dashboard rounds")
    parser.add_argument("--email", default="admin@demo.test")
    parser.add_argument("--password", default="")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from iprodash.settings import get_settings

    under_test = None if args.url else start_app(args.port, args.jobs, print)
    url = args.url.rstrip("/") if args.url else under_test.url
    password = args.password or get_settings().demo_password
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=ARGS)
            try:
                first_page(browser, url, args.email, password)  # warm the server's caches
                firsts = [first_page(browser, url, args.email, password)
                          for _ in range(args.first_runs)]
                nav = navigation(browser, url, args.email, password, args.rounds)
            finally:
                browser.close()
    finally:
        if under_test is not None:
            under_test.stop()
    every = [ms for values in nav.values() for ms in values]
    results = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "commit": _commit(),
        "machine": _machine(), "url": url,
        "login_form": _summary([f["login_form_ms"] for f in firsts]),
        "login_to_dashboard_url": _summary([f["login_to_dashboard_url_ms"] for f in firsts]),
        "login_to_tiles": _summary([f["login_to_tiles_ms"] for f in firsts]),
        "login_to_charts": _summary([f["login_to_charts_ms"] for f in firsts]),
        "navigation": {kind: _summary(values) for kind, values in nav.items()},
        "navigation_all": _summary(every)}
    first_ok = results["login_to_charts"]["p50_ms"] <= TARGETS["first_page_ms"]
    nav_ok = results["navigation_all"]["p95_ms"] <= TARGETS["navigation_p95_ms"]
    results.update(first_page_passed=first_ok, navigation_passed=nav_ok)
    print(f"first page: /login form {results['login_form']['p50_ms']} ms (p50), "
          f"Log in -> dashboard charts p50 {results['login_to_charts']['p50_ms']} ms, "
          f"max {results['login_to_charts']['max_ms']} ms over {args.first_runs} fresh "
          f"contexts (target <= 2000 ms): {'PASS' if first_ok else 'FAIL'}; of which the "
          f"URL changed at {results['login_to_dashboard_url']['p50_ms']} ms and the tiles "
          f"showed at {results['login_to_tiles']['p50_ms']} ms")
    for kind, figures in results["navigation"].items():
        print(f"navigation {kind:<10} p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
              f"max {figures['max_ms']} ms (n={figures['n']})")
    print(f"navigation all: p95 {results['navigation_all']['p95_ms']} ms "
          f"(target <= 500 ms): {'PASS' if nav_ok else 'FAIL'}")
    write_results("browser", results)
    print(f"written to {RESULTS} (key 'browser')")
    return 0 if first_ok and nav_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

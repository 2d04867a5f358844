"""What the page sweep checks on every visit, and who visits.

A visit opens a page, waits until the page has settled and then collects
every sign of a broken page a person would meet: "Page not found", an error
toast or error boundary, a console error, an unhandled exception in the
app's log during the visit, a redirect away from the page, and (on the pages
a phone user needs) a page wider than the phone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page, expect

from state import routes

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
# Pages a person uses on a phone: nothing may scroll sideways at 375 px.
PHONE_ROUTES = {routes.TECH_HOME, routes.TECH_JOB, routes.TECH_EARNINGS, routes.JOBS,
                routes.JOB_DETAIL, routes.BOARD, routes.MESSAGES, routes.MESSAGE_THREAD}
# Pages whose screenshots a reviewer looks at (written on every run, never committed).
SCREENSHOT_ROUTES = {routes.DASHBOARD, routes.JOB_DETAIL, routes.JOBS, routes.BOARD}
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
_BROKEN_TEXT = re.compile(r"Page not found|An error occurred|not available for your role")
_LOG_FAILURE = re.compile(r"Traceback \(most recent call last\)|Reflex Backend Exception")


@dataclass
class Problems:
    """Every problem the sweep saw, reported together so one run shows them all."""

    seen: list[str] = field(default_factory=list)

    def add(self, where: str, what: str) -> None:
        self.seen.append(f"{where}: {what}")

    def assert_none(self) -> None:
        assert not self.seen, "the sweep found:\n" + "\n".join(self.seen)


class Visitor:
    """One browser tab of one person, watching the console and the app's log."""

    def __init__(self, page: Page, log_path: Path, label: str):
        self.page, self.log_path, self.label = page, log_path, label
        self.console: list[str] = []
        page.on("console", lambda msg: self.console.append(msg.text)
                if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.console.append(f"uncaught: {exc}"))

    def _log_size(self) -> int:
        return self.log_path.stat().st_size

    def _log_since(self, offset: int) -> str:
        with open(self.log_path, "rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", "replace")

    def visit(self, path: str, *, title: str, route: str, problems: Problems,
              phone: bool) -> None:
        """Open ``path`` (a concrete URL of ``route``) and record what is wrong there."""
        where = f"{self.label} {'375px' if phone else '1280px'} {path}"
        self.console.clear()
        offset = self._log_size()
        self.page.goto(path)
        if title:
            try:
                heading = re.compile("^" + re.escape(title))  # "Get texts" from Demo Locksmith
                expect(self.page.get_by_role("heading", name=heading).first
                       ).to_be_visible(timeout=15_000)
            except AssertionError:
                problems.add(where, f'the heading "{title}" never appeared '
                                    f"(landed on {self.page.url})")
        settle(self.page)
        for text in self.page.get_by_text(_BROKEN_TEXT).all_inner_texts():
            problems.add(where, f'shows "{text.strip()[:120]}"')
        landed = self.page.url.split("?")[0].rstrip("/")
        if title and not landed.endswith(path.split("?")[0].rstrip("/")):
            problems.add(where, f"redirected to {landed}")
        for message in self.console:
            problems.add(where, f"console error: {message[:200]}")
        failures = _LOG_FAILURE.findall(self._log_since(offset))
        if failures:
            problems.add(where, f"the server logged {len(failures)} unhandled exception(s): "
                                + self._log_since(offset)[-1500:])
        if phone and route in PHONE_ROUTES:
            width = self.page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                problems.add(where, f"scrolls sideways on a phone ({width}px wide)")
        if route in SCREENSHOT_ROUTES:
            SCREENSHOTS.mkdir(exist_ok=True)
            name = f"{self.label}-{route.strip('/').replace('/', '_').replace('[', '')}"
            self.page.screenshot(path=str(SCREENSHOTS / f"{name.replace(']', '')}-"
                                          f"{'phone' if phone else 'desktop'}.png"),
                                 full_page=True)


def settle(page: Page) -> None:
    """Wait until the page's loaders have answered (no request in flight for 500 ms)."""
    try:
        page.wait_for_load_state("networkidle", timeout=10_000)
    except Exception:  # noqa: BLE001 - a page that keeps polling is still checked
        pass
    page.wait_for_timeout(400)  # let the last state update paint (toasts, error boundary)

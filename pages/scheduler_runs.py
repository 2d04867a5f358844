"""The operator's scheduler page: each task, its last run and failures, and the run log."""

from __future__ import annotations

import reflex as rx

from components.forms import keyset_pager
from components.layout import app_page
from components.navigation import PLATFORM, NavItem, register_nav_item
from components.tables import data_table
from state import routes
from state.scheduler_runs import SchedulerState as S

register_nav_item(NavItem("Scheduler", routes.OPERATOR_SCHEDULER, "timer", "operator", PLATFORM))


def _ok_badge(ok: rx.Var) -> rx.Component:
    return rx.cond(ok, rx.badge("OK", color_scheme="green"), rx.badge("Failed", color_scheme="red"))


@app_page(routes.OPERATOR_SCHEDULER, "Scheduler", roles=("operator",), on_load=[S.load])
def scheduler_page() -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.text(S.leader, size="2"), rx.button("Refresh", size="1", variant="soft",
                                                         on_click=S.refresh), align="center"),
        data_table(["Task", "Every", "Last run", "Last result", "Runs", "Failures",
                    "Last failure", "Last error"], S.tasks,
                   lambda t: rx.table.row(
                       rx.table.cell(t["label"]), rx.table.cell(t["every"]),
                       rx.table.cell(t["last_run"]), rx.table.cell(_ok_badge(t["last_ok"])),
                       rx.table.cell(t["runs"]), rx.table.cell(t["failures"]),
                       rx.table.cell(t["last_failure"]),
                       rx.table.cell(rx.text(t["last_error"], size="1", color_scheme="red")))),
        rx.hstack(rx.heading("Run log", size="4"),
                  rx.checkbox("Failures only", checked=S.failures_only,
                              on_change=S.set_failures_only), align="center", spacing="4"),
        data_table(["Started", "Task", "Seconds", "Result", "Outcome", "Error", "Worker"], S.rows,
                   lambda r: rx.table.row(
                       rx.table.cell(r["started"]), rx.table.cell(r["task_label"]),
                       rx.table.cell(r["seconds"]), rx.table.cell(r["result"]),
                       rx.table.cell(_ok_badge(r["ok"])),
                       rx.table.cell(rx.text(r["error"], size="1", color_scheme="red")),
                       rx.table.cell(rx.text(r["holder"], size="1"))),
                   empty_text="No runs logged yet (empty frequent runs are not logged)."),
        keyset_pager(S),
        width="100%", spacing="4",
    )

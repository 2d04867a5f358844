"""Dashboard page: period picker, tiles and the Plotly charts.

The service returns a few dozen summed rows; the figures built from them are
small (no template, at most a few hundred points) so the browser payload
stays light. Money is formatted with the domain's ``format_money``.
"""

from __future__ import annotations

import hashlib

import plotly.graph_objects as go
import reflex as rx

from iprodash.db import get_db
from iprodash.domain.money import format_money, format_percent
from iprodash.services import dashboard, getting_started
from state import routes
from state.session import SessionState, as_form, as_text, handles_errors, loads_page

_COLORS = {"profit": "#4f46e5", "gross": "#a5b4fc", "roi": "#16a34a", "open": "#f59e0b",
           "closed": "#16a34a", "canceled": "#dc2626"}


_SETUP_ROUTES = {"settings": routes.SETTINGS, "technicians": routes.TECHNICIANS,
                 "lead_sources": routes.LEAD_SOURCES, "texting": routes.MESSAGING_SETTINGS,
                 "new_job": routes.JOB_NEW, "users": routes.USERS}


def _layout(**extra) -> dict:
    return {"template": "none", "margin": {"l": 60, "r": 20, "t": 10, "b": 40}, "height": 300,
            "showlegend": False, "yaxis": {"tickprefix": "$", "separatethousands": True},
            **extra}


def _dollars(cents: int) -> float:
    return cents / 100  # a chart coordinate only; every displayed amount is format_money


def _profit_chart(board: dashboard.Dashboard) -> go.Figure:
    return go.Figure(
        [go.Bar(x=[p.label for p in board.series], y=[_dollars(p.company_profit)
                                                      for p in board.series],
                marker_color=_COLORS["profit"], name="Company profit",
                customdata=[[format_money(p.company_profit), format_money(p.gross), p.closed]
                            for p in board.series],
                hovertemplate="%{x}<br>Profit %{customdata[0]}<br>Gross %{customdata[1]}"
                              "<br>%{customdata[2]} jobs closed<extra></extra>")],
        layout=_layout(xaxis={"type": "category", "title": "Week of" if board.weekly else "",
                              "nticks": 8, "tickangle": 0}))


def _technician_chart(board: dashboard.Dashboard) -> go.Figure:
    rows = list(reversed(board.by_technician))
    return go.Figure(
        [go.Bar(y=[r.name for r in rows], x=[_dollars(r.company_profit) for r in rows],
                orientation="h", marker_color=_COLORS["profit"],
                customdata=[[format_money(r.company_profit), r.closed] for r in rows],
                hovertemplate="%{y}<br>Profit %{customdata[0]}<br>%{customdata[1]} jobs"
                              "<extra></extra>")],
        layout=_layout(height=max(220, 28 * len(rows) + 60), yaxis={"automargin": True},
                       xaxis={"tickprefix": "$", "separatethousands": True}))


def _source_chart(board: dashboard.Dashboard) -> go.Figure:
    rows = board.by_source
    roi = [r.roi_bp / 100 if r.roi_bp is not None else None for r in rows]
    return go.Figure(
        [go.Bar(x=[r.name for r in rows], y=[_dollars(r.company_profit) for r in rows],
                name="Company profit", marker_color=_COLORS["profit"],
                customdata=[[format_money(r.company_profit), format_money(r.source_commission)]
                            for r in rows],
                hovertemplate="%{x}<br>Profit %{customdata[0]}<br>Paid to source "
                              "%{customdata[1]}<extra></extra>"),
         go.Scatter(x=[r.name for r in rows], y=roi, yaxis="y2", mode="markers",
                    name="ROI", marker={"color": _COLORS["roi"], "size": 12},
                    hovertemplate="%{x}<br>ROI %{y:.1f}%<extra></extra>")],
        layout=_layout(showlegend=True, legend={"orientation": "h", "y": -0.2},
                       yaxis2={"overlaying": "y", "side": "right", "ticksuffix": "%",
                               "showgrid": False}))


def _status_chart(board: dashboard.Dashboard) -> go.Figure:
    """Bars, not a donut: small shares never print on top of each other."""
    labels = ["Canceled", "Closed", "Open"]
    values = [board.canceled, board.created - board.open - board.canceled, board.open]
    return go.Figure(
        [go.Bar(y=labels, x=values, orientation="h", text=[str(v) for v in values],
                textposition="auto", cliponaxis=False,
                marker_color=[_COLORS["canceled"], _COLORS["closed"], _COLORS["open"]],
                hovertemplate="%{y}: %{x} jobs<extra></extra>")],
        layout={"template": "none", "margin": {"l": 80, "r": 20, "t": 10, "b": 30},
                "height": 200, "showlegend": False,
                "xaxis": {"rangemode": "tozero", "tickformat": "d"}})


def _rate(bp: int | None) -> str:
    return format_percent(round(bp)) if bp is not None else "-"


class DashboardState(SessionState):
    """What the dashboard shows for the chosen period."""

    period: str = "this_month"
    start: str = ""
    end: str = ""
    period_label: str = ""
    financial: bool = False
    tiles: list[dict[str, str]] = []
    profit_chart: go.Figure = go.Figure()
    technician_chart: go.Figure = go.Figure()
    source_chart: go.Figure = go.Figure()
    status_chart: go.Figure = go.Figure()
    source_rows: list[dict[str, str]] = []
    has_jobs: bool = False
    has_closed: bool = False
    has_technician_rows: bool = False
    has_source_rows: bool = False
    setup_steps: list[dict[str, str]] = []
    setup_done_count: int = 0
    # What the tiles and charts were last built from (a digest of the board).
    _shown_board: str = ""

    def _reload(self) -> None:
        board = dashboard.load_dashboard(db=get_db(), actor=self._actor(), period=self.period,
                                         start=self.start, end=self.end)
        # Every figure, name and period of the board, as a short digest (the
        # repr itself is a few KB, kept in every tab's state).
        shown = hashlib.sha256(repr(board).encode()).hexdigest()
        if shown == self._shown_board:
            return  # the tab shows exactly this: nothing is built nor sent again
        self._shown_board = shown
        self.period_label, self.financial = board.period.label, board.financial
        self.has_jobs = board.created > 0 or board.closed > 0
        self.has_closed = board.closed > 0
        self.has_technician_rows = bool(board.by_technician)
        self.has_source_rows = bool(board.by_source)
        tiles = [("Jobs booked", str(board.created)), ("Jobs closed", str(board.closed)),
                 ("Close rate", _rate(board.close_rate_bp)),
                 ("Cancel rate", _rate(board.cancel_rate_bp))]
        if board.financial:
            tiles[2:2] = [("Gross", format_money(board.gross)), ("Net", format_money(board.net)),
                          ("Company profit", format_money(board.company_profit)),
                          ("Average ticket", format_money(board.average_ticket))]
        self.tiles = [{"label": label, "value": value} for label, value in tiles]
        self.status_chart = _status_chart(board)
        if board.financial:
            self.profit_chart = _profit_chart(board)
            self.technician_chart = _technician_chart(board)
            self.source_chart = _source_chart(board)
            self.source_rows = [{"name": r.name, "closed": str(r.closed),
                                 "profit": format_money(r.company_profit),
                                 "paid": format_money(r.source_commission),
                                 "roi": _rate(r.roi_bp)} for r in board.by_source]

    def _load_setup(self) -> None:
        actor = self._actor()
        steps = (getting_started.setup_checklist(get_db(), actor=actor)
                 if actor.role == "company_admin" else [])  # set-up is the admin's work
        self._assign(setup_steps=[{"label": s.label, "hint": s.hint,
                                   "done": "yes" if s.done else "", "href": _SETUP_ROUTES[s.key]}
                                  for s in steps],
                     setup_done_count=sum(1 for s in steps if s.done))

    @rx.event
    @loads_page
    def load(self):
        self._load_setup()
        self._reload()

    @rx.event
    @handles_errors
    def set_period(self, value: str):
        value = as_text(value, 320)
        if value not in dashboard.PERIODS:
            return rx.toast.error("Choose a period from the list.")
        self.period = value
        if value != "custom":
            self._reload()
        return None

    @rx.event
    @handles_errors
    def apply_custom(self, form: dict):
        form = as_form(form)
        self.start = str(form.get("start", ""))[:10]
        self.end = str(form.get("end", ""))[:10]
        self.period = "custom"
        self._reload()

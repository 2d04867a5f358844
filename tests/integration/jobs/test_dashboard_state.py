"""The dashboard tab builds its tiles and charts again only when what they show changed."""

from __future__ import annotations

from iprodash.domain.clock import company_today
from state.dashboard import DashboardState
from state.session import SessionState
from tests.integration.tabs import call


def _open(tab) -> DashboardState:
    call(tab.at(SessionState, "/dashboard"), "guard", ["company_admin", "user"])
    dash = tab.at(DashboardState, "/dashboard")
    assert "toast" not in repr(call(dash, "load"))
    return dash


def _booked(dash) -> str:
    return next(t["value"] for t in dash.tiles if t["label"] == "Jobs booked")


def test_the_same_board_is_not_built_again_and_a_new_job_shows(shop, office):
    _, admin = office
    today = company_today(shop.company).isoformat()
    shop.job(date=today)
    dash = _open(admin)
    assert _booked(dash) == "1"
    chart = dash.profit_chart
    dash = _open(admin)  # back on the dashboard, nothing changed
    assert dash.profit_chart is chart and _booked(dash) == "1"

    shop.job(date=today, client_phone="(212) 555-0101")
    dash = _open(admin)
    assert _booked(dash) == "2" and dash.profit_chart is not chart


def test_another_period_and_back_shows_each_periods_figures(shop, office):
    _, admin = office
    shop.job(date=company_today(shop.company).isoformat())
    dash = _open(admin)
    call(dash, "set_period", "last_month")
    assert _booked(dash) == "0" and dash.period_label
    call(dash, "set_period", "this_month")
    assert _booked(dash) == "1"

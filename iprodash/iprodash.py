"""The Reflex app: pages from the ``app_page`` registry, API routes, 404."""

from __future__ import annotations

import reflex as rx

import pages.admin  # noqa: F401 - registers pages
import pages.api_keys  # noqa: F401
import pages.billing  # noqa: F401
import pages.payments_settings  # noqa: F401
import pages.csv_import  # noqa: F401
import pages.dashboard  # noqa: F401
import pages.general  # noqa: F401
import pages.messages  # noqa: F401
import pages.messaging_settings  # noqa: F401
import pages.operator  # noqa: F401
import pages.policies  # noqa: F401
import pages.privacy_center  # noqa: F401
import pages.public_auth  # noqa: F401
import pages.scheduler_runs  # noqa: F401
import pages.sms_optin  # noqa: F401
import pages.support  # noqa: F401
import pages.reports  # noqa: F401
import pages.settlements  # noqa: F401
import pages.technician_portal  # noqa: F401
import pages.technician_earnings  # noqa: F401
import pages.jobs  # noqa: F401
import pages.job_new  # noqa: F401
import pages.job_detail  # noqa: F401
import pages.board  # noqa: F401
import pages.clients  # noqa: F401
import pages.client_detail  # noqa: F401
import pages.technicians  # noqa: F401
import pages.lead_sources  # noqa: F401
import pages.operator_people  # noqa: F401
import pages.usage_log  # noqa: F401
from components.layout import PAGES
from iprodash.api.app import create_api
from state.session_boundary import SessionBoundary, UploadSessionGuard
from state.worker_failover import worker_presence


def not_found() -> rx.Component:
    return rx.center(rx.vstack(
        rx.heading("Page not found", size="6"),
        rx.text("This page does not exist or was moved."),
        rx.link(rx.button("Go to my start page"), href="/home"), align="center"),
        min_height="80vh")


# The upload guard wraps everything, /_upload included (see its docstring).
app = rx.App(api_transformer=[create_api(), UploadSessionGuard],
             toaster=rx.toast.provider(position="bottom-right", close_button=True,
                                       visible_toasts=2),
             # assets/favicon.ico answers /favicon.ico for browsers without SVG icons
             head_components=[rx.el.link(rel="icon", href="/favicon.svg",
                                         type="image/svg+xml")])
# Before the hydrate middleware, so a tab's first answer already holds no
# state of a session that ended.
app.add_middleware(SessionBoundary(), index=0)
# With Redis (several workers): a tab whose worker died keeps its token, so its state.
app.register_lifespan_task(worker_presence)
for spec in PAGES:
    app.add_page(spec.component, route=spec.route, title=spec.title, on_load=spec.on_load)
app.add_page(not_found, route="/404", title="Page not found · iProDash")

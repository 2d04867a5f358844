"""New job: client found by phone, address, window, technician and source."""

from __future__ import annotations

import reflex as rx

from components.forms import error_callout, submit_button
from components.layout import app_page
from state import routes
from pages.job_form import job_form_fields
from state.job_form import NewJobState as S

OFFICE = ("company_admin", "user")


@app_page(routes.JOB_NEW, "New job", roles=OFFICE, on_load=[S.load])
def new_job_page() -> rx.Component:
    return rx.card(rx.form(rx.vstack(
        error_callout(S.form_error),
        job_form_fields(S, lookup=True),
        error_callout(S.form_error),
        submit_button("Book job"),
        spacing="3", width="100%"), on_submit=S.save, width="100%"),
        width="100%", max_width="48em")

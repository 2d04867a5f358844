"""The job form's fields, shared by the New job page and the job page's edit dialog."""

from __future__ import annotations

import reflex as rx

from components.address_fields import address_fields
from components.forms import field
from components.texting_chip import consent_checkbox
from state.texting_chip import CLIENT_SCRIPT

NONE = "none"


def _choice(label: str, name: str, value: rx.Var, options: rx.Var, empty: str,
            on_change) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="2", weight="medium"),
        rx.select.root(
            rx.select.trigger(aria_label=label, width="100%"),
            rx.select.content(rx.select.item(empty, value=NONE),
                              rx.foreach(options, lambda o: rx.select.item(o["name"],
                                                                           value=o["id"]))),
            value=value, on_change=lambda v: on_change(name, v), size="3"),
        spacing="1", width="100%")


def _client_fields(S, lookup: bool) -> rx.Component:
    values = S.values
    phone_props = {"on_blur": S.lookup_phone} if lookup else {}
    return rx.fragment(
        field("Client phone", "client_phone", type_="tel", default_value=values["client_phone"],
              required=True, placeholder="(212) 555-0100", **phone_props),
        *([rx.foreach(S.matches, lambda m: rx.callout(
            rx.hstack(rx.text(m["name"], " already has this number", rx.cond(
                m["address"] != "", rx.text.span(" (", m["address"], ")")), "."),
                rx.button("Use this client", size="1", type="button",
                          on_click=S.use_client(m["id"])), wrap="wrap", align="center"),
            icon="user-check", color_scheme="blue", width="100%")),
           rx.cond(S.client_id != "", rx.hstack(
               rx.badge("Existing client", color_scheme="green"),
               rx.button("Book as a new client instead", size="1", variant="ghost",
                         type="button", on_click=S.forget_client), align="center"))]
          if lookup else []),
        field("Client name", "client_name", default_value=values["client_name"], required=True),
        field("Client email", "client_email", type_="email",
              default_value=values["client_email"]),
        key=S.client_key.to(str))


CONSENT_HINT = (f"Tick only if they said yes when you asked: \"{CLIENT_SCRIPT}\" They get one "
                "welcome text with how to stop.")


def job_form_fields(S, *, lookup: bool, ask_consent: rx.Var | bool = True) -> rx.Component:
    """Every job input; ``S`` holds ``values``, choices and the handlers.

    Args:
        S: The page's state class.
        lookup: Look the phone up and offer to reuse a client (new jobs).
        ask_consent: Show "Client agreed to texts on this call" (not when
            texts are already on or the number said STOP).
    """
    values = S.values
    return rx.vstack(
        rx.heading("Client", size="3"),
        _client_fields(S, lookup),
        rx.cond(ask_consent, rx.box(consent_checkbox("Client agreed to texts on this call",
                                                     CONSENT_HINT),
                                    key=S.client_key.to(str), width="100%")),
        address_fields(),
        rx.heading("Job", size="3", margin_top="0.5em"),
        rx.fragment(
            field("Job type", "job_type", default_value=values["job_type"], required=True,
                  placeholder="Lockout, rekey, garage door spring..."),
            rx.vstack(rx.text("Description", size="2", weight="medium"),
                      rx.text_area(name="description", default_value=values["description"],
                                   width="100%", rows="3"), spacing="1", width="100%"),
            rx.vstack(rx.text("Office notes", size="2", weight="medium"),
                      rx.text_area(name="notes", default_value=values["notes"], width="100%",
                                   rows="2"), spacing="1", width="100%"),
            rx.flex(field("Date", "date", type_="date", default_value=values["date"]),
                    field("From", "start_time", type_="time",
                          default_value=values["start_time"]),
                    field("To", "end_time", type_="time", default_value=values["end_time"]),
                    gap="3", width="100%", direction=rx.breakpoints(initial="column",
                                                                    sm="row")),
            rx.text("Times are in the company's time zone. Leave the date empty for an "
                    "unscheduled job.", size="1", color_scheme="gray"),
            key=S.form_key.to(str)),
        rx.flex(_choice("Technician", "technician", S.technician, S.technicians, "Unassigned",
                        S.set_choice),
                _choice("Lead source", "source", S.source, S.sources, "No source",
                        S.set_choice),
                gap="3", width="100%", direction=rx.breakpoints(initial="column", sm="row")),
        spacing="3", width="100%")

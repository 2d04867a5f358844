"""Address inputs with Google autocomplete when a Maps key is configured."""

from __future__ import annotations

import reflex as rx

from components.forms import field
from state.address_autocomplete import AddressState


def address_fields() -> rx.Component:
    """Street, city, state and zip inputs (form names address_line, city, state, zip)."""
    return rx.vstack(
        rx.cond(AddressState.enabled, rx.vstack(
            rx.el.label("Find address", font_size="14px", font_weight="500"),
            rx.input(placeholder="Start typing the address", size="3", width="100%",
                     on_change=AddressState.search.debounce(350), auto_complete="off"),
            rx.foreach(AddressState.suggestions, lambda s: rx.button(
                s["text"], variant="ghost", size="2", type="button",
                on_click=AddressState.choose(s["place_id"]))),
            width="100%", spacing="1")),
        rx.fragment(
            field("Street address", "address_line", default_value=AddressState.line),
            rx.hstack(field("City", "city", default_value=AddressState.city),
                      field("State", "state", default_value=AddressState.region),
                      field("ZIP", "zip", default_value=AddressState.zip), width="100%"),
            rx.el.input(type="hidden", name="lat", value=AddressState.lat),
            rx.el.input(type="hidden", name="lng", value=AddressState.lng),
            key=AddressState.fill_key.to(str)),
        width="100%", spacing="2",
    )

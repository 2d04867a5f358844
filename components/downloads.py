"""Links to file routes (`/api/...`) that the browser follows, never the app's router.

Reflex renders every link as a React Router ``Link``: a click on a plain
``/api/...`` link is caught on the client and lands on "Page not found".
``reload_document`` hands the click back to the browser, so the file route
answers with its ``Content-Disposition`` (same tab, or a new tab when the user
opens it there).
"""

from __future__ import annotations

import reflex as rx


def download_link(*children: rx.Component | str | rx.Var, href: rx.Var | str,
                  **props) -> rx.Component:
    """A link whose click downloads the file at ``href``."""
    return rx.link(*children, href=href, reload_document=True, download=True,
                   underline="none", **props)


def download_button(label: str, href: rx.Var | str, *, icon: str = "download",
                    variant: str = "soft", **props) -> rx.Component:
    """A button-looking download link (the button is inside the link, so both click)."""
    return download_link(rx.button(rx.icon(icon), label, variant=variant, **props), href=href)

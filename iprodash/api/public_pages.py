"""The small HTML pages of the public signed links (receipt, pay page) and their refusals.

Never cached by a shared cache, never indexed, no referrer (the token is in
the address). A refusal is the same page whatever went wrong, so a link
tells nothing about a job it does not open; a 429 says when to try again.
"""

from __future__ import annotations

from fastapi.responses import HTMLResponse

from iprodash.services.report_templates.common import e

NO_STORE = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"}
STYLE = ("body{font-family:system-ui,sans-serif;max-width:32em;margin:2em auto;padding:0 1em;"
         "color:#222;line-height:1.5}h1{font-size:1.4em}")
RETRY_AFTER_SECONDS = 600


def html_page(title: str, body: str, status_code: int = 200, style: str = "") -> HTMLResponse:
    """A complete page; ``body`` is HTML the caller escaped, ``title`` is escaped here."""
    return HTMLResponse(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title><style>{STYLE}{style}</style></head><body>{body}</body>"
        "</html>", status_code=status_code, headers=NO_STORE)


def refusal(text: tuple[str, str], status_code: int) -> HTMLResponse:
    """The plain page of a link that does not open: a heading and one sentence."""
    response = html_page(text[0], f"<h1>{e(text[0])}</h1><p>{e(text[1])}</p>", status_code)
    if status_code == 429:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response

"""The PDF renderer process: ``python -m iprodash.integrations.pdf_worker``.

Reads one HTML document on stdin and writes, on stdout, a ``page N`` line as
each page is laid out, then ``done {json}`` (page count, size, the URLs the
document asked for and the ones refused) followed by the PDF bytes.
:func:`iprodash.integrations.pdf.render_pdf` runs it; tests also call
:func:`render_pdf_here` directly.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import threading
from collections.abc import Mapping

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from iprodash.integrations.pdf import (ASSET_DIR, ASSET_SCHEME, BASE_URL, PageProgress,
                                       RenderedPdf, asset_url)

_MIME_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}
_PAGE_STEP = re.compile(r"Creating layout - Page (\d+)$")


class BlockedURL(ValueError):
    """A document asked for something outside the asset allowlist."""


def _load_asset_dir() -> dict[str, tuple[bytes, str]]:
    assets = {}
    for path in sorted(ASSET_DIR.iterdir()) if ASSET_DIR.is_dir() else []:
        if path.suffix in _MIME_TYPES and path.is_file():
            assets[path.name] = (path.read_bytes(), _MIME_TYPES[path.suffix])
    return assets


# Read once at start: the allowlist is fixed for the life of the process.
APP_ASSETS: dict[str, tuple[bytes, str]] = _load_asset_dir()


class AssetOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves allowlisted assets and refuses all else.

    Attributes:
        requested: Every URL WeasyPrint asked for, in order.
        refused: The ones that were not on the allowlist.
    """

    def __init__(self, assets: Mapping[str, tuple[bytes, str]] | None = None):
        super().__init__(allowed_protocols=[ASSET_SCHEME], allow_redirects=False)
        self.assets = dict(APP_ASSETS if assets is None else assets)
        self.requested: list[str] = []
        self.refused: list[str] = []

    def allowed_urls(self) -> set[str]:
        """The exact URLs this fetcher answers."""
        return {asset_url(name) for name in self.assets}

    def fetch(self, url, headers=None):
        """Serve ``url`` from memory; never touch the disk or the network.

        Raises:
            BlockedURL: ``url`` is not exactly an allowlisted asset URL.
        """
        self.requested.append(url)
        name = url[len(BASE_URL):] if url.startswith(BASE_URL) else None
        if name is None or name not in self.assets:
            self.refused.append(url)
            raise BlockedURL(f"Reports may only load the app's own assets, not {url[:200]!r}.")
        body, mime_type = self.assets[name]
        return URLFetcherResponse(url, body, {"Content-Type": mime_type})


class _PageListener(logging.Handler):
    """Hands WeasyPrint's "laying out page N" steps to the rendering thread's callback."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.callbacks: dict[int, PageProgress] = {}

    def emit(self, record: logging.LogRecord) -> None:
        callback = self.callbacks.get(record.thread)
        match = _PAGE_STEP.search(record.getMessage()) if callback else None
        if match:
            callback(int(match.group(1)))


_PAGES = _PageListener()
_progress_log = logging.getLogger("weasyprint.progress")
_progress_log.addHandler(_PAGES)
_progress_log.setLevel(logging.INFO)
_progress_log.propagate = False  # page-by-page steps are for progress bars, not a log


def render_pdf_here(html: str, *, fetcher: AssetOnlyFetcher | None = None,
                    on_page: PageProgress | None = None) -> RenderedPdf:
    """Render ``html`` to PDF in this process with the asset-only fetcher.

    Args:
        html: The complete document (every user field already escaped).
        fetcher: A fetcher to use (tests pass one to inspect what was asked).
        on_page: Called with each page number as it is laid out.

    Returns:
        The PDF bytes, the page count and the URLs the document asked for.
    """
    fetcher = fetcher or AssetOnlyFetcher()
    if on_page:
        _PAGES.callbacks[threading.get_ident()] = on_page
    try:
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
            font_config=FontConfiguration())
        data = document.write_pdf()
    finally:
        _PAGES.callbacks.pop(threading.get_ident(), None)
    return RenderedPdf(data=data, pages=len(document.pages),
                       requested_urls=list(fetcher.requested),
                       refused_urls=list(fetcher.refused))


def main() -> None:
    # A lower CPU priority: on a small machine the app's own events go first.
    os.nice(5)
    # Refused URLs are reported in the result; WeasyPrint's own warnings about
    # them would only fill the pipe the parent reads last.
    logging.getLogger("weasyprint").addHandler(logging.NullHandler())
    logging.getLogger("weasyprint").propagate = False
    html = sys.stdin.buffer.read().decode("utf-8")
    out = sys.stdout.buffer

    def page_done(number: int) -> None:
        out.write(f"page {number}\n".encode())
        out.flush()

    result = render_pdf_here(html, on_page=page_done)
    header = {"pages": result.pages, "size": len(result.data),
              "requested": result.requested_urls, "refused": result.refused_urls}
    out.write(b"done " + json.dumps(header).encode() + b"\n")
    out.write(result.data)
    out.flush()


if __name__ == "__main__":
    main()

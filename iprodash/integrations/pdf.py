"""HTML to PDF with WeasyPrint, in a child process that loads only the app's assets.

:func:`render_pdf` hands the HTML to ``python -m iprodash.integrations.pdf_worker``
and reads back the page-by-page progress and the PDF. WeasyPrint is pure
Python: rendering in a thread of the app would hold the GIL and slow every
other user's events on that worker, while a child process only takes a core,
and its memory goes back when it exits. Callers still run this off the event
loop (a background event with ``asyncio.to_thread``, or the scheduler): it
waits for seconds.

The worker's URL fetcher serves only the files of ``pdf_assets/`` (the report
stylesheet) under ``iprodash-asset:///<name>`` and refuses everything else
(``file://``, ``http(s)://``, ``data:``...), so a client name or a note that
slipped through as markup still cannot read a local file or call the network.
Fonts come from the machine's own font configuration (DejaVu), never a URL.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ASSET_SCHEME = "iprodash-asset"
BASE_URL = f"{ASSET_SCHEME}:///"
ASSET_DIR = Path(__file__).resolve().parent / "pdf_assets"
RENDER_TIMEOUT_S = 600
_PROJECT_ROOT = Path(__file__).resolve().parents[2]
# One render at a time per app process: each takes a core, and a queue of big
# statements must not take both cores of a small machine.
_RENDER_SLOTS = threading.Semaphore(1)
PageProgress = Callable[[int], None]


class PdfRenderError(RuntimeError):
    """The renderer process failed or ran out of time."""


@dataclass
class RenderedPdf:
    """A finished PDF and what rendering it asked for."""

    data: bytes
    pages: int
    requested_urls: list[str] = field(default_factory=list)
    refused_urls: list[str] = field(default_factory=list)


def asset_url(name: str) -> str:
    """The URL a template uses for an allowlisted asset, e.g. ``report.css``."""
    return f"{BASE_URL}{name}"


def render_pdf(html: str, *, on_page: PageProgress | None = None,
               timeout_s: float = RENDER_TIMEOUT_S) -> RenderedPdf:
    """Render ``html`` (every user field already escaped) to PDF in a child process.

    Args:
        html: The complete document; it links its stylesheet with :func:`asset_url`.
        on_page: Called with each page number as it is laid out (for progress).
        timeout_s: The child is killed after this long.

    Returns:
        The PDF bytes, the page count and the URLs the document asked for.

    Raises:
        PdfRenderError: the child failed or timed out.
    """
    with _RENDER_SLOTS:
        proc = subprocess.Popen([sys.executable, "-m", "iprodash.integrations.pdf_worker"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, cwd=_PROJECT_ROOT)
        timer = threading.Timer(timeout_s, proc.kill)
        timer.start()
        try:
            header, data, errors = _talk_to_worker(proc, html, on_page)
        finally:
            timer.cancel()
            if proc.poll() is None:
                proc.kill()
            proc.wait()
    if header is None or len(data) != header["size"]:
        lines = errors.decode("utf-8", "replace").strip().splitlines() or ["no output"]
        raise PdfRenderError(f"The PDF could not be rendered ({lines[-1][:300]}).")
    return RenderedPdf(data=data, pages=header["pages"], requested_urls=header["requested"],
                       refused_urls=header["refused"])


def _talk_to_worker(proc: subprocess.Popen, html: str,
                    on_page: PageProgress | None) -> tuple[dict | None, bytes, bytes]:
    """Send the HTML, follow ``page N`` lines, then read ``done {json}`` and the PDF."""
    try:
        proc.stdin.write(html.encode("utf-8"))  # the worker reads all input before writing
        proc.stdin.close()
    except BrokenPipeError:
        return None, b"", proc.stderr.read()
    header = None
    for line in iter(proc.stdout.readline, b""):
        if line.startswith(b"page ") and on_page:
            on_page(int(line[5:]))
        elif line.startswith(b"done "):
            header = json.loads(line[5:])
            break
    data = proc.stdout.read(header["size"]) if header else b""
    return header, data, proc.stderr.read()

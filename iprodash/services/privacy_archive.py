"""The export ZIP: one JSON and one CSV file per collection, plus files.

Everything is streamed: documents go from the cursor straight into a
compressed ZIP member on disk, so memory stays flat whatever the size of
the company. CSV needs its columns before the first row, so the flattened
rows wait in a temporary JSON-lines file while the JSON member is written,
and the CSV member is written from it afterwards (one database read).
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from bson import Decimal128, ObjectId

from iprodash.domain.sign_in_links import redact_sign_in_links

# Never exported, wherever they appear: credentials, their hashes, and a
# queued message's sealed body (it holds a sign-in link).
SECRET_FIELDS = {"password_hash", "token_hash", "key_hash", "api_key_hash", "secret", "jti",
                 "sealed_body"}
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_COPY_CHUNK = 256 * 1024
_NUMBERISH = re.compile(r"^[+-]?[0-9][0-9 .()-]*$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def plain(value: Any) -> Any:
    """A JSON-ready copy: ids and decimals as text, times as ISO 8601, secrets
    dropped, sign-in links (in a message still queued) redacted."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k not in SECRET_FIELDS}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (ObjectId, Decimal128)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, str) and "/" in value:
        return redact_sign_in_links(value)
    return value


def flatten(doc: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """One CSV row: nested fields as ``a.b`` columns, lists as JSON text."""
    row: dict[str, Any] = {}
    for key, value in doc.items():
        column = f"{prefix}{key}"
        if isinstance(value, dict):
            row.update(flatten(value, f"{column}."))
        elif isinstance(value, list):
            row[column] = json.dumps(value, ensure_ascii=False)
        else:
            row[column] = value
    return row


def _cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading quote.

    Plain numbers such as an E.164 phone (+12125550100) carry no formula and
    stay as they are.
    """
    if isinstance(value, str) and value[:1] in _FORMULA_START and not _NUMBERISH.match(value):
        return "'" + value
    return value


def safe_name(text: str, fallback: str = "file") -> str:
    """A file name without paths or odd characters, for use inside the ZIP."""
    cleaned = _SAFE_NAME.sub("_", os.path.basename(text or "")).strip("._")
    return cleaned[:100] or fallback


class ExportArchive:
    """A ZIP being written to a temporary file; use as a context manager."""

    def __init__(self, directory: str | None = None):
        handle, name = tempfile.mkstemp(prefix="iprodash-export-", suffix=".zip", dir=directory)
        os.close(handle)
        self.path = Path(name)
        self.zip = zipfile.ZipFile(self.path, "w", compression=zipfile.ZIP_DEFLATED,
                                   compresslevel=6, allowZip64=True)
        self.counts: dict[str, int] = {}

    def __enter__(self) -> ExportArchive:
        return self

    def __exit__(self, *exc_info) -> None:
        self.zip.close()
        if exc_info[0] is not None:
            self.discard()

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)

    def add_text(self, name: str, text: str) -> None:
        self.zip.writestr(name, text)

    def add_records(self, name: str, docs: Iterable[dict[str, Any]],
                    on_progress: Callable[[int], None] | None = None) -> int:
        """Write ``name.json`` (an array) and ``name.csv``; returns the count."""
        columns: dict[str, None] = {}
        count = 0
        with tempfile.TemporaryFile("w+", encoding="utf-8") as rows:
            with self.zip.open(f"{name}.json", "w", force_zip64=True) as raw:
                out = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
                out.write("[")
                for doc in docs:
                    record = plain(doc)
                    out.write(("\n" if count == 0 else ",\n")
                              + json.dumps(record, ensure_ascii=False))
                    row = flatten(record)
                    columns.update(dict.fromkeys(row))
                    rows.write(json.dumps(row, ensure_ascii=False) + "\n")
                    count += 1
                    if on_progress and count % 1000 == 0:
                        on_progress(count)
                out.write("\n]\n")
                out.flush()
                out.detach()
            rows.seek(0)
            self._write_csv(name, list(columns), rows)
        self.counts[name] = count
        return count

    def _write_csv(self, name: str, columns: list[str], rows) -> None:
        with self.zip.open(f"{name}.csv", "w", force_zip64=True) as raw:
            out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            for line in rows:
                writer.writerow({k: _cell(v) for k, v in json.loads(line).items()})
            out.flush()
            out.detach()

    def add_stream(self, name: str, source: BinaryIO) -> int:
        """Copy a (GridFS) file into the ZIP in chunks; returns its size."""
        size = 0
        with self.zip.open(name, "w", force_zip64=True) as out:
            while chunk := source.read(_COPY_CHUNK):
                out.write(chunk)
                size += len(chunk)
        return size

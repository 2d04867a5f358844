"""The export's JSON and CSV shapes (no database needed)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime, timezone

from bson import Decimal128, ObjectId

from iprodash.services.privacy_archive import ExportArchive, flatten, plain, safe_name


def test_plain_makes_json_ready_copies_without_secrets():
    oid = ObjectId()
    doc = {"_id": oid, "at": datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc),
           "price": Decimal128("1.50"), "blob": b"\x00\xff", "password_hash": "$2b$12$x",
           "nested": [{"token_hash": "abc", "keep": 1}]}
    assert plain(doc) == {"_id": str(oid), "at": "2026-01-02T03:04:00+00:00", "price": "1.50",
                          "blob": "AP8=", "nested": [{"keep": 1}]}


def test_flatten_dots_nested_fields_and_keeps_lists_as_json():
    row = flatten({"a": 1, "finance": {"gross": 400, "rates": {"bp": 300}},
                   "payments": [{"amount_cents": 5}]})
    assert row == {"a": 1, "finance.gross": 400, "finance.rates.bp": 300,
                   "payments": '[{"amount_cents": 5}]'}


def test_safe_name_never_escapes_the_folder():
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("my photo (1).jpg") == "my_photo_1_.jpg"
    assert safe_name("") == "file"


def test_archive_writes_json_and_csv_with_the_union_of_columns(tmp_path):
    with ExportArchive(str(tmp_path)) as archive:
        count = archive.add_records("things", iter([{"a": 1}, {"b": "=1+1"}, {"a": 3, "c": "-5"}]))
    assert count == 3 and archive.counts == {"things": 3}
    with zipfile.ZipFile(archive.path) as zipped:
        assert json.loads(zipped.read("things.json")) == [{"a": 1}, {"b": "=1+1"},
                                                          {"a": 3, "c": "-5"}]
        rows = list(csv.DictReader(io.StringIO(zipped.read("things.csv").decode())))
    assert [r["a"] for r in rows] == ["1", "", "3"]
    assert rows[1]["b"] == "'=1+1" and rows[2]["c"] == "-5"
    archive.discard()
    assert not archive.path.exists()

"""The policies iProDash serves: privacy policy, terms of service, data processing terms.

Each text is a markdown file in this package with a short header (title,
version, date). The privacy policy's retention table is not written in the
file: ``{{retention_table}}`` is replaced by the table of
``iprodash/domain/retention_policy.py``, the list the retention task's
defaults come from. A version published later by the operator
(``services/policies.py``) supersedes the file's version number.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from iprodash.domain.retention_policy import markdown_table

TERMS, PRIVACY, DPA = "terms", "privacy", "dpa"
KINDS = (TERMS, PRIVACY, DPA)
_FILES = {TERMS: "terms.md", PRIVACY: "privacy.md", DPA: "data_processing.md"}
_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class PolicyText:
    """One policy as the file holds it.

    Attributes:
        kind: ``terms``, ``privacy`` or ``dpa``.
        title: the heading.
        version: the version the file was written as.
        date: its date, ISO ``YYYY-MM-DD``.
        body: the markdown, retention table filled in.
    """

    kind: str
    title: str
    version: str
    date: str
    body: str


@lru_cache(maxsize=None)
def policy_text(kind: str) -> PolicyText:
    """The policy ``kind`` (KeyError for an unknown kind)."""
    raw = (_DIR / _FILES[kind]).read_text()
    _, header, body = raw.split("---\n", 2)
    fields = dict(line.split(": ", 1) for line in header.strip().splitlines())
    body = body.replace("{{retention_table}}", markdown_table()).strip()
    return PolicyText(kind=kind, title=fields["title"], version=fields["version"],
                      date=fields["date"], body=body)


def title_of(kind: str) -> str:
    return policy_text(kind).title

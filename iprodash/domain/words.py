"""Counts and codes as people read them: "1 job", "2 jobs", "Profit and loss"."""

from __future__ import annotations

from collections.abc import Mapping

_SIBILANT_ENDINGS = ("s", "x", "z", "ch", "sh")


def _plural_of(singular: str) -> str:
    last_word = singular.rsplit(" ", 1)[-1]
    if last_word.endswith(_SIBILANT_ENDINGS):
        return singular + "es"
    if len(last_word) > 1 and last_word.endswith("y") and last_word[-2] not in "aeiou":
        return singular[:-1] + "ies"
    return singular + "s"


def pluralize(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` and the word that agrees with it.

    Args:
        n: the count, e.g. 1 or 2500.
        singular: e.g. "job" or "unsettled job".
        plural: the plural when adding "s"/"es"/"ies" would be wrong ("people").

    Returns:
        e.g. "1 job", "0 jobs", "2,500 jobs", "3 entries", "1 unsettled job".
    """
    word = singular if abs(n) == 1 else (plural or _plural_of(singular))
    return f"{n:,} {word}"


def humanize(code: str) -> str:
    """A code nobody labelled yet, readable: "lead_source_id" -> "Lead source"."""
    text = (code or "").strip()
    for suffix in ("_id", "_ids", "_cents", "_bp"):
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    text = text.replace("_", " ").replace(".", " ").strip()
    return text[:1].upper() + text[1:]


def label(labels: Mapping[str, str], code: str | None) -> str:
    """The label of ``code`` in ``labels``; a readable fallback, never snake_case."""
    if code is None or code == "":
        return ""
    return labels.get(code) or humanize(str(code))

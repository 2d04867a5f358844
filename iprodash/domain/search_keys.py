"""Search keys: the indexed array of prefixes that replaces regex search.

A record stores ``search_keys``: lower-cased, accent-free prefixes (edge
n-grams) of each word and of the whole text of its name and address, plus
its phone digits and their last 4, 7 and 10 digits, plus "#<number>" for a
job. A search box looks up one key (:func:`normalize_query`) with an
equality match on that indexed array, or every word of the query
(:func:`query_terms`) with ``$all``. Keys are at most ``MAX_KEY_LEN``
characters; a longer query is cut to that length, so the lookup returns a
superset that the caller may filter further.
"""

from __future__ import annotations

import re
import unicodedata

from iprodash.domain.phones import phone_digits

MAX_KEY_LEN = 20
PHONE_TAILS = (4, 7, 10)
_PHONE_QUERY_MIN_DIGITS = 7
_APOSTROPHES = re.compile(r"['\u2018\u2019`]")
_SEPARATORS = re.compile(r"[\W_]+")
_PHONE_QUERY = re.compile(r"^\+?[0-9 ().\-]+$")
_JOB_NUMBER_QUERY = re.compile(r"^#\s*([0-9]{1,9})$")  # longer is no job number (nor a BSON int)


def _fold(text: str | None) -> str:
    """Case-fold, drop accents and apostrophes, turn other punctuation into spaces.

    Letters of every script are kept ("Иван" stays searchable); case-folding
    comes first so that e.g. "İ" -> "i" + combining dot loses its dot too.
    """
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = _APOSTROPHES.sub("", plain)
    return " ".join(_SEPARATORS.sub(" ", plain).split())


def _unique(keys: list[str]) -> list[str]:
    return list(dict.fromkeys(keys))


def edge_ngrams(text: str | None, min_len: int = 1, max_len: int = MAX_KEY_LEN) -> list[str]:
    """Prefixes of each word and of the whole text, for prefix search.

    Args:
        text: e.g. "José O'Brien".
        min_len: Shortest prefix kept.
        max_len: Longest prefix kept.

    Returns:
        Unique keys in a stable order, e.g. for "Ann Lee" with ``min_len=1``:
        ``["a", "an", "ann", "l", "le", "lee", "ann l", "ann le", "ann lee"]``.
        Whole-text prefixes that end in a space are left out.
    """
    min_len = max(min_len, 1)
    folded = _fold(text)
    keys = [word[:size] for word in folded.split()
            for size in range(min_len, min(len(word), max_len) + 1)]
    keys += [folded[:size] for size in range(min_len, min(len(folded), max_len) + 1)
             if not folded[:size].endswith(" ")]
    return _unique(keys)


def phone_keys(phone: str | None) -> list[str]:
    """All the phone's digits, and its last 4, 7 and 10 digits."""
    digits = phone_digits(phone or "")
    if not digits:
        return []
    return _unique([digits] + [digits[-size:] for size in PHONE_TAILS if len(digits) > size])


def search_keys_for(*, name: str | None = None, address: str | None = None,
                    phone: str | None = None, job_number: int | None = None) -> list[str]:
    """Every search key of a client or a job, without duplicates.

    Args:
        name: Client name.
        address: Address text (line, city, ...).
        phone: Phone in any format (E.164 is typical).
        job_number: The job's number, stored as "#<number>".
    """
    keys = edge_ngrams(name) + edge_ngrams(address) + phone_keys(phone)
    if job_number is not None:
        keys.append(f"#{int(job_number)}")
    return _unique(keys)


def normalize_query(text: str | None) -> str:
    """The single key to look up for what a user typed in a search box.

    "#1042" -> "#1042"; a phone-like query of 7 or more digits
    ("+1 (212) 555-0100", "555-0100") -> its digits, the last 10 at most;
    anything else -> folded text cut to ``MAX_KEY_LEN``
    ("  José  O'Brien " -> "jose obrien"). Empty when there is nothing to
    search for.
    """
    raw = (text or "").strip()
    job = _JOB_NUMBER_QUERY.match(raw)
    if job:
        return f"#{int(job.group(1))}"
    digits = phone_digits(raw)
    if len(digits) >= _PHONE_QUERY_MIN_DIGITS and _PHONE_QUERY.match(raw):
        return digits[-max(PHONE_TAILS):]
    return _fold(raw)[:MAX_KEY_LEN].rstrip()


def query_terms(text: str | None) -> list[str]:
    """Each word of the query as a key, for an ``$all`` match in any order."""
    return _unique([word[:MAX_KEY_LEN] for word in _fold(text).split()])

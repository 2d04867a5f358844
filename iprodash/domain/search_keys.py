"""Search keys: the indexed array of prefixes that replaces regex search.

A record stores ``search_keys``: lower-cased, accent-free prefixes (edge
n-grams) of 2 to 20 characters of each word of its name and address (a
1-character word, an initial, is its own key), plus its phone digits and
their last 4, 7 and 10 digits, plus "#<number>" for a job. There are no
prefixes of the whole text: a several-word query matches each of its words
(:func:`search_terms`) in any order ("lee ann" finds "Ann Lee"), with
``$all`` or one word read by the index and the others checked per row. A
query of 1-character words only is refused (:func:`require_search_query`):
it would match most records. Keys are at most ``MAX_KEY_LEN`` characters; a
longer word is cut to that length, so the lookup returns a superset that the
caller may filter further.
"""

from __future__ import annotations

import re
import unicodedata

from iprodash.domain.errors import ValidationError
from iprodash.domain.phones import phone_digits

MIN_KEY_LEN = 2
MAX_KEY_LEN = 20
SHORT_QUERY_MESSAGE = "Type at least 2 letters to search."
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


def edge_ngrams(text: str | None, min_len: int = MIN_KEY_LEN,
                max_len: int = MAX_KEY_LEN) -> list[str]:
    """Prefixes of each word, for prefix search (no prefixes of the whole text).

    Args:
        text: e.g. "José O'Brien".
        min_len: Shortest prefix kept; a shorter word is kept whole (the
            initial "J" of "J Smith" is the key "j").
        max_len: Longest prefix kept.

    Returns:
        Unique keys in a stable order, e.g. for "Ann Lee":
        ``["an", "ann", "le", "lee"]``.
    """
    min_len = max(min_len, 1)
    keys: list[str] = []
    for word in _fold(text).split():
        if len(word) < min_len:
            keys.append(word)
        else:
            keys += [word[:size] for size in range(min_len, min(len(word), max_len) + 1)]
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
    """What a user typed in a search box, normalized: a key or folded words.

    "#1042" -> "#1042"; a phone-like query of 7 or more digits
    ("+1 (212) 555-0100", "555-0100") -> its digits, the last 10 at most
    (both are stored keys); anything else -> folded text cut to
    ``MAX_KEY_LEN`` ("  José  O'Brien " -> "jose obrien"), whose words are
    the keys (:func:`search_terms`). Empty when there is nothing to search for.
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
    """Each word of the query as a key, for an ``$all`` match in any order.

    A 1-character letter is left out when the query has a longer word ("j
    smith" -> ``["smith"]``): only a 1-character stored word has such a key,
    so keeping it would miss "John Smith". A 1-character number stays and
    matches only that whole number ("client 2", "1 main"; not "client 23").
    """
    words = _unique([word[:MAX_KEY_LEN] for word in _fold(text).split()])
    return [word for word in words if len(word) >= MIN_KEY_LEN or word.isdigit()] or words


def search_terms(text: str | None) -> list[str]:
    """The keys every match of a search box's text carries.

    "#1042" -> ``["#1042"]``, a phone number -> its digits (as
    :func:`normalize_query`), words -> :func:`query_terms`; ``[]`` for
    nothing to search.
    """
    query = normalize_query(text)
    if not query:
        return []
    if query.startswith("#") or (query.isdigit() and len(query) >= _PHONE_QUERY_MIN_DIGITS):
        return [query]
    return query_terms(text)


def query_too_short(text: str | None, *, job_numbers: bool = False) -> bool:
    """Whether every word of the query is 1 character ("J", "a b").

    A job number ("#7") is never too short, nor a bare number when
    ``job_numbers`` (a search box that finds jobs by number: "7" is job 7).
    """
    query = normalize_query(text)
    if not query or query.startswith("#") or (job_numbers and query.isdigit()):
        return False
    return all(len(word) < MIN_KEY_LEN for word in _fold(text).split())


def require_search_query(text: str | None, *, job_numbers: bool = False,
                         field: str = "q") -> None:
    """Refuse a query of 1-character words (see :func:`query_too_short`).

    Raises:
        ValidationError: "Type at least 2 letters to search."
    """
    if query_too_short(text, job_numbers=job_numbers):
        raise ValidationError(SHORT_QUERY_MESSAGE, field=field)

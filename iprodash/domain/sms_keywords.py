"""Inbound SMS keywords (opt-out, opt-in, help) and SMS segment counting.

A keyword is the whole message: case, surrounding spaces and punctuation are
ignored ("Stop.", " stop!! ", "OPT-OUT"), but a keyword inside a sentence
("stop it now please") is not one, so a client's ordinary reply is never
mistaken for an opt-out.
"""

from __future__ import annotations

import unicodedata

OPT_OUT, OPT_IN, HELP = "opt_out", "opt_in", "help"
OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "STOP ALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT",
                           "REVOKE", "OPT OUT", "OPTOUT"})
OPT_IN_WORDS = frozenset({"START", "YES", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})

GSM7, UCS2 = "GSM-7", "UCS-2"
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
SINGLE_LIMITS = {GSM7: 160, UCS2: 70}
MULTIPART_LIMITS = {GSM7: 153, UCS2: 67}


def _keyword_form(text: str) -> str:
    """Upper-case words of ``text`` with surrounding punctuation dropped."""
    folded = unicodedata.normalize("NFKC", text or "").upper()
    words = "".join(ch if ch.isalnum() else " " for ch in folded).split()
    return " ".join(words)


def classify_keyword(text: str | None) -> str | None:
    """Classify a whole inbound message.

    Args:
        text: The message body as received.

    Returns:
        ``"opt_out"``, ``"opt_in"``, ``"help"``, or ``None`` when the message
        is not exactly one keyword.
    """
    form = _keyword_form(text or "")
    if form in OPT_OUT_WORDS:
        return OPT_OUT
    if form in OPT_IN_WORDS:
        return OPT_IN
    if form in HELP_WORDS:
        return HELP
    return None


def _units(text: str, encoding: str) -> list[int]:
    """Size of each character in the encoding's units (septets or UTF-16 units)."""
    if encoding == GSM7:
        return [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def sms_segments(text: str | None) -> tuple[str, int, int]:
    """How a message is encoded and how many SMS segments it costs.

    GSM-7 when every character is in the GSM 03.38 basic or extension table
    (an extension character such as "€" or "{" takes 2 septets), otherwise
    UCS-2 (a character outside the BMP, e.g. most emoji, takes 2 units). One
    segment holds 160 septets / 70 units; a longer message is split into
    segments of 153 / 67, and a 2-unit character is never split across two
    segments, as carriers do.

    Returns:
        ``(encoding, chars, segments)``: ``chars`` counts septets for GSM-7
        and UTF-16 units for UCS-2; an empty message is 0 segments.
    """
    text = text or ""
    gsm = all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)
    encoding = GSM7 if gsm else UCS2
    units = _units(text, encoding)
    chars = sum(units)
    if chars == 0:
        return encoding, 0, 0
    if chars <= SINGLE_LIMITS[encoding]:
        return encoding, chars, 1
    limit, segments, used = MULTIPART_LIMITS[encoding], 1, 0
    for size in units:
        if used + size > limit:
            segments, used = segments + 1, 0
        used += size
    return encoding, chars, segments

"""Inbound SMS keywords (opt-out, opt-in, help), free-text revocations, segment counting.

A keyword is the whole message: case, surrounding spaces and punctuation are
ignored ("Stop.", " stop!! ", "OPT-OUT"), but a keyword inside a sentence
("stop it now please") is not one, so a client's ordinary reply is never
mistaken for an opt-out.

Since the FCC's 2024 revocation rule (in force April 2025) consent may be
revoked "by any reasonable means", so plain-language requests ("please stop
texting me", "remove me", "no me envíes mensajes") are opt-outs too
(:func:`is_revocation`). Two kinds of phrase, to keep ordinary conversation
("don't stop by until 3", "para el martes?") out:

- short words that only mean "stop texting" when they are the whole message
  (apart from "please", "thanks" and the like): "para", "basta", "cancelar",
  "don't text", "remove me", "please stop";
- unmistakable phrases that count anywhere in the message unless negated
  ("stop texting", "unsubscribe me", "no more texts", "no me envíes mensajes");
  "don't stop texting me" is not one.
"""

from __future__ import annotations

import unicodedata

OPT_OUT, OPT_IN, HELP = "opt_out", "opt_in", "help"
OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "STOP ALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT",
                           "REVOKE", "OPT OUT", "OPTOUT"})
OPT_IN_WORDS = frozenset({"START", "YES", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})

# Free-text revocations, in the folded form of :func:`_plain_words` (lower case,
# no accents, apostrophes dropped). Listed in docs/MESSAGING.md.
WHOLE_MESSAGE_REVOCATIONS = frozenset({
    "stop", "stop all", "stop please", "unsubscribe", "unsubscribe me", "opt out", "opt me out",
    "remove me", "remove", "dont text", "do not text", "dont text me", "do not text me",
    "no texts", "no more texts", "no more", "stop texts", "stop texting", "stop messaging",
    "stop messages", "stop sending", "end texts", "cancel texts", "leave me alone",
    # Spanish
    "para", "parar", "alto", "basta", "basta ya", "cancelar", "detener", "baja", "darme de baja",
    "no mas", "no mas mensajes", "no me escriban", "no me escribas", "no mandes mensajes",
    "no envies mensajes",
})
ANYWHERE_REVOCATIONS = (
    "stop texting", "stop sending me", "stop sending texts", "stop sending messages",
    "stop messaging me", "stop text messages", "stop the texts", "stop these texts",
    "stop your texts", "quit texting", "unsubscribe me", "unsubscribe this number",
    "opt me out", "remove me from your list", "remove me from this list",
    "remove me from the list", "remove my number", "take me off your list",
    "take me off the list", "take my number off", "dont text me", "do not text me",
    "dont text this number", "do not text this number", "dont message me",
    "do not message me", "no more texts", "no more text messages", "no more messages",
    "i dont want texts", "i do not want texts", "i dont want these texts",
    "i do not want these texts", "revoke my consent", "revoke consent",
    # Spanish
    "no me envies mensajes", "no me envien mensajes", "no me mandes mensajes",
    "no me manden mensajes", "no me manden mas", "no me envien mas", "no mas mensajes",
    "dejen de enviarme", "dejen de mandarme", "deja de enviarme", "deja de mandarme",
    "dejen de escribirme", "deja de escribirme", "no quiero mensajes", "no quiero recibir",
    "darme de baja", "denme de baja", "quiero darme de baja",
)
# Words around a request that do not change it ("please stop", "para por favor").
COURTESY = ("please", "pls", "plz", "thanks", "thank you", "thx", "ok", "okay", "now",
            "already", "por favor", "gracias", "ya", "hi", "hello", "hola")
# A phrase right after one of these is negated: "don't stop texting me".
NEGATIONS = ("dont", "do not", "never", "not", "wont", "didnt", "did not", "nunca")

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


def exact_keyword(text: str | None) -> str | None:
    """The carrier keyword a whole message is (STOP, START, HELP ...), or None."""
    form = _keyword_form(text or "")
    if form in OPT_OUT_WORDS:
        return OPT_OUT
    if form in OPT_IN_WORDS:
        return OPT_IN
    if form in HELP_WORDS:
        return HELP
    return None


def _plain_words(text: str) -> str:
    """Lower-case words without accents or apostrophes: "No me envíes" -> "no me envies"."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text or "").lower())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = folded.replace("'", "").replace("\u2019", "")
    return " ".join("".join(ch if ch.isalnum() else " " for ch in folded).split())


def _without_courtesy(words: str) -> str:
    """Drop courtesy words at either end ("ok please stop thanks" -> "stop")."""
    changed = True
    while changed and words:
        changed = False
        for word in COURTESY:
            if words == word:
                return ""
            if words.startswith(word + " "):
                words, changed = words[len(word) + 1:], True
            elif words.endswith(" " + word):
                words, changed = words[:-len(word) - 1], True
    return words


def _said_anywhere(words: str, phrase: str) -> bool:
    """``phrase`` occurs as whole words in ``words`` and is not negated."""
    padded, start = f" {words} ", 0
    while (at := padded.find(f" {phrase} ", start)) != -1:
        before = padded[:at].split()
        if not any(before[-len(neg.split()):] == neg.split() for neg in NEGATIONS):
            return True
        start = at + 1
    return False


def is_revocation(text: str | None) -> bool:
    """Whether a message asks, in plain words, to stop getting texts.

    Exact keywords (STOP ...) are :func:`exact_keyword`'s; this covers the
    rest: a whole-message request ("please stop", "para", "remove me"), the
    same word repeated ("stop stop"), or an unmistakable phrase anywhere
    ("can you stop texting me, I already paid").
    """
    words = _without_courtesy(_plain_words(text or ""))
    if not words:
        return False
    if words in WHOLE_MESSAGE_REVOCATIONS:
        return True
    if len(set(words.split())) == 1 and words.split()[0] in WHOLE_MESSAGE_REVOCATIONS:
        return True
    return any(_said_anywhere(words, phrase) for phrase in ANYWHERE_REVOCATIONS)


def classify_keyword(text: str | None) -> str | None:
    """Classify a whole inbound message.

    Args:
        text: The message body as received.

    Returns:
        ``"opt_out"`` (a keyword or a plain-language revocation), ``"opt_in"``,
        ``"help"``, or ``None`` for conversation.
    """
    return exact_keyword(text) or (OPT_OUT if is_revocation(text) else None)


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

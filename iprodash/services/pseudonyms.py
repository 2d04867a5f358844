"""Pseudonyms of a phone number or email address under the app's secret key.

Audit entries use them as ``target_id`` (never the number or address
itself), the SMS opt-out ledger keeps only the number's pseudonym after
STOP, and the email suppression list is keyed by the address's pseudonym.
Changing ``IPRODASH_SECRET_KEY`` changes every pseudonym: opt-outs and
bounces recorded before are then no longer recognised (docs/PRIVACY.md).
"""

from __future__ import annotations

from iprodash.domain.errors import ValidationError
from iprodash.domain.phones import normalize_phone
from iprodash.domain.pseudonyms import keyed_hash
from iprodash.settings import get_settings


def phone_pseudonym(phone: str) -> str:
    """The keyed hash of a phone number (any format; hashed as E.164).

    Raises:
        ValidationError: not a phone number.
    """
    return keyed_hash(normalize_phone(phone), key=get_settings().secret_key, purpose="phone")


def email_pseudonym(email: str) -> str:
    """The keyed hash of an email address (trimmed, lower-cased)."""
    address = (email or "").strip().lower()
    if not address:
        raise ValidationError("Enter an email address.", field="email")
    return keyed_hash(address, key=get_settings().secret_key, purpose="email")


def address_pseudonym(ip: str) -> str:
    """The keyed hash of a caller's network address (for throttles that must not keep it)."""
    return keyed_hash((ip or "").strip(), key=get_settings().secret_key, purpose="ip")

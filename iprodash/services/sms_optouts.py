"""What the SMS ledger keeps of a number after STOP, and erasing a number.

After STOP only what honouring it needs stays: the number's keyed hash
(:func:`services.pseudonyms.phone_pseudonym`) and the opt-out time. The
opt-in proof (time, IP, disclosure version, events) goes with it. Erasing a
number removes its opt-in proof too; an opt-out stays as the hash, so the
number is never texted again (docs/PRIVACY.md, "SMS consent").
"""

from __future__ import annotations

from datetime import datetime

from pymongo.database import Database

from iprodash.repositories.base import utcnow
from iprodash.repositories.sms_consents import (SmsConsentRepository,
                                                companies_with_plain_opt_outs)
from iprodash.services.pseudonyms import phone_pseudonym


def consent_for(db: Database, company_id, phone: str) -> dict | None:
    """The number's consent record (an opt-out is found by the number's hash)."""
    return SmsConsentRepository(db, company_id).for_number(phone, phone_pseudonym(phone))


def opt_out_number(db: Database, *, company_id, phone: str, now: datetime,
                   method: str = "") -> bool:
    """Suppress ``phone`` (E.164) and keep only its hash and the opt-out time.

    Args:
        method: kept with the hash when given (``staff_recorded``).

    Returns:
        Whether it was not opted out before (a confirmation is due).
    """
    return SmsConsentRepository(db, company_id).keep_only_opt_out(
        phone, phone_pseudonym(phone), now, method)


def opted_in_again(db: Database, *, company_id, phone: str) -> None:
    """START or the web form after a STOP: the hashed opt-out record goes."""
    SmsConsentRepository(db, company_id).forget_opt_out(phone_pseudonym(phone))


def erase_number_consent(db: Database, *, company_id, phone: str) -> int:
    """Erasure: the number's opt-in proof goes; an opt-out stays as its hash."""
    return SmsConsentRepository(db, company_id).erase_number(phone, phone_pseudonym(phone))


def reduce_plain_opt_outs(db: Database, *, now: datetime | None = None) -> int:
    """Retention: any opted-out record still holding the number keeps only the hash."""
    now, reduced = now or utcnow(), 0
    for company_id in companies_with_plain_opt_outs(db):
        consents = SmsConsentRepository(db, company_id)
        for phone in consents.plain_opt_outs():
            consents.erase_number(phone, phone_pseudonym(phone))
            reduced += 1
    return reduced

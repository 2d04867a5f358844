"""Settings -> Payments: connect the company's own Stripe account (Stripe Connect).

Company-admin only. The company document keeps ``stripe_connect``:
``{account_id, charges_enabled, payouts_enabled, details_submitted,
connected_at, updated_at}``. The flags are Stripe's, read back from the
account (on returning from onboarding, on "Refresh", and from the Connect
webhook's ``account.updated``), never set from a redirect's say-so.

Disconnecting unlinks the account here: no new card payment can be started,
payments already recorded stay on their jobs, and the Stripe account itself
(its balance and payouts) stays the company's. Connecting again later
creates a new onboarding for the same account when it is the same company's.
"""

from __future__ import annotations

from dataclasses import dataclass

from pymongo.database import Database

from iprodash.domain.errors import ValidationError
from iprodash.integrations import stripe_connect
from iprodash.repositories.base import utcnow
from iprodash.repositories.companies import CompanyRepository
from iprodash.services import audit
from iprodash.services.actor import COMPANY_ADMIN, Actor, require_company_actor
from iprodash.services.invoices import company_tax_rate
from iprodash.services.notifications import app_link
from iprodash.services.plan_access import require_writable
from iprodash.settings import get_settings

PAYMENTS_PAGE = "/settings/payments"
NOT_CONFIGURED = ("Card payments are not configured on this server (Stripe keys). Ask the "
                  "platform operator.")


@dataclass(frozen=True)
class PaymentsOverview:
    """What the Payments settings page shows."""

    available: bool
    connected: bool
    charges_enabled: bool
    payouts_enabled: bool
    details_submitted: bool
    sales_tax_milli_percent: int

    @property
    def status_text(self) -> str:
        if not self.connected:
            return "Not connected"
        if self.charges_enabled and self.payouts_enabled:
            return "Connected: card payments and payouts are on"
        if self.details_submitted:
            return "Connected: Stripe is reviewing the account"
        return "Onboarding not finished: continue on Stripe"


def _company(db: Database, actor: Actor) -> dict:
    return CompanyRepository(db).by_id(actor.company_id) or {}


def _view(company: dict) -> PaymentsOverview:
    link = company.get("stripe_connect") or {}
    return PaymentsOverview(
        available=get_settings().card_payments_enabled, connected=bool(link.get("account_id")),
        charges_enabled=bool(link.get("charges_enabled")),
        payouts_enabled=bool(link.get("payouts_enabled")),
        details_submitted=bool(link.get("details_submitted")),
        sales_tax_milli_percent=company_tax_rate(company))


def _require_available() -> None:
    if not get_settings().card_payments_enabled:
        raise ValidationError(NOT_CONFIGURED)


def payments_overview(db: Database, *, actor: Actor) -> PaymentsOverview:
    actor = require_company_actor(actor, COMPANY_ADMIN)
    return _view(_company(db, actor))


def _store_flags(db: Database, company_id, account: dict) -> dict:
    flags = {"stripe_connect.charges_enabled": bool(account.get("charges_enabled")),
             "stripe_connect.payouts_enabled": bool(account.get("payouts_enabled")),
             "stripe_connect.details_submitted": bool(account.get("details_submitted")),
             "stripe_connect.updated_at": utcnow()}
    return CompanyRepository(db).update(company_id, flags)


def start_onboarding(db: Database, *, actor: Actor) -> str:
    """Create the company's account when it has none; returns Stripe's onboarding URL."""
    actor = require_company_actor(actor, COMPANY_ADMIN)
    require_writable(db, actor=actor)
    _require_available()
    company = _company(db, actor)
    account_id = (company.get("stripe_connect") or {}).get("account_id")
    if not account_id:
        account_id = stripe_connect.create_account(
            company_id=str(actor.company_id), email=company.get("admin_email", ""),
            name=company.get("name", ""))
        CompanyRepository(db).update(actor.company_id, {"stripe_connect": {
            "account_id": account_id, "charges_enabled": False, "payouts_enabled": False,
            "details_submitted": False, "connected_at": utcnow(), "updated_at": utcnow()}})
        audit.record(db, actor=actor, action="company.stripe_connected", target_type="company",
                     target_id=actor.company_id, after={"account_id": account_id})
    return stripe_connect.onboarding_link(
        account_id=account_id, refresh_url=app_link(f"{PAYMENTS_PAGE}?stripe=refresh"),
        return_url=app_link(f"{PAYMENTS_PAGE}?stripe=return"))


def refresh_account(db: Database, *, actor: Actor) -> PaymentsOverview:
    """Read the account's flags back from Stripe (after onboarding, or on request)."""
    actor = require_company_actor(actor, COMPANY_ADMIN)
    company = _company(db, actor)
    account_id = (company.get("stripe_connect") or {}).get("account_id")
    if not account_id or not get_settings().card_payments_enabled:
        return _view(company)
    return _view(_store_flags(db, actor.company_id,
                              stripe_connect.retrieve_account(account_id)))


def dashboard_url(db: Database, *, actor: Actor) -> str:
    """A one-time link into the company's Stripe dashboard."""
    actor = require_company_actor(actor, COMPANY_ADMIN)
    _require_available()
    account_id = (_company(db, actor).get("stripe_connect") or {}).get("account_id")
    if not account_id:
        raise ValidationError("Connect Stripe first.")
    return stripe_connect.dashboard_link(account_id)


def disconnect(db: Database, *, actor: Actor) -> None:
    """Unlink the company's Stripe account (see the module docstring)."""
    actor = require_company_actor(actor, COMPANY_ADMIN)
    require_writable(db, actor=actor)
    link = _company(db, actor).get("stripe_connect") or {}
    if not link.get("account_id"):
        raise ValidationError("No Stripe account is connected.")
    CompanyRepository(db).update(actor.company_id, {"stripe_connect": None})
    audit.record(db, actor=actor, action="company.stripe_disconnected", target_type="company",
                 target_id=actor.company_id, before={"account_id": link["account_id"]})


def account_updated(db: Database, *, account: dict) -> bool:
    """The Connect webhook's ``account.updated``: store the flags of the company
    linked to that account; False when no company is (a disconnected one)."""
    account_id = str(account.get("id") or "")
    if not account_id:
        return False
    company = CompanyRepository(db).by_stripe_account(account_id)
    if company is None:
        return False
    _store_flags(db, company["_id"], account)
    return True


def connected_account(company: dict) -> str:
    """The account id card payments go to; a sentence when card payments cannot be taken."""
    link = company.get("stripe_connect") or {}
    if not get_settings().card_payments_enabled or not link.get("account_id"):
        raise ValidationError("This company does not take card payments online yet.")
    if not link.get("charges_enabled"):
        raise ValidationError("This company's Stripe account cannot take payments yet.")
    return link["account_id"]

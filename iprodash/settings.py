"""Every setting of iProDash, read from the environment in one place.

The README's settings table lists the same names; keep the two in step.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from iprodash.domain.retention_policy import default as retention_default

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    return int(raw) if raw else default


def _retention(name: str) -> int:
    """A retention period: the environment's value or the retention policy's default."""
    return _env_int(name, retention_default(name))


def _env_float(name: str, default: float) -> float:
    raw = _env(name)
    return float(raw) if raw else default


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in _env(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """The JWT signing key; a random per-data-directory key when unset.

    A random key is written under the data directory so a restart keeps
    sessions valid, and it never lands in the repository.
    """
    configured = _env("IPRODASH_SECRET_KEY")
    if configured:
        return configured
    key_file = Path(_env("IPRODASH_DATA_DIR", str(PROJECT_ROOT / "data"))) / "secret.key"
    if key_file.exists():
        return key_file.read_text().strip()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


@dataclass(frozen=True)
class Settings:
    """Application settings; build with :func:`get_settings`."""

    port: int = 3000
    public_url: str = "http://localhost:3000"
    allowed_origins: list[str] = field(default_factory=list)
    mongodb_uri: str = ""
    mongodb_db: str = "iprodash"
    data_dir: Path = PROJECT_ROOT / "data"
    embedded_db_port: int = 27027
    embedded_db_cache: str = ""
    secret_key: str = ""
    session_hours: int = 12
    tech_link_hours: int = 24
    redis_url: str = ""
    google_maps_api_key: str = ""
    google_maps_base_url: str = ""
    tech_session_hours: int = 24 * 14
    bcrypt_rounds: int = 12
    login_max_failures: int = 5
    login_window_minutes: int = 15
    ip_max_failures: int = 30
    invite_days: int = retention_default("IPRODASH_INVITE_DAYS")
    reset_minutes: int = retention_default("IPRODASH_RESET_MINUTES")
    confirm_days: int = retention_default("IPRODASH_CONFIRM_DAYS")
    demo_password: str = "demo-pass-1234"
    resend_api_key: str = ""
    resend_api_url: str = ""
    email_from: str = "iProDash <no-reply@iprodash.local>"
    session_retention_days: int = retention_default("IPRODASH_SESSION_RETENTION_DAYS")
    usage_log_retention_days: int = retention_default("IPRODASH_USAGE_LOG_RETENTION_DAYS")
    outbox_retention_days: int = retention_default("IPRODASH_OUTBOX_RETENTION_DAYS")
    outbox_max_attempts: int = 6
    local_mailbox: Path | None = None
    backup_dir: Path = PROJECT_ROOT / "data" / "backups"
    backup_keep: int = retention_default("IPRODASH_BACKUP_KEEP")
    backup_hour_utc: int = 3
    backup_key: str = ""  # IPRODASH_BACKUP_KEY: seals backups; keep it apart from them
    erasure_ledger_file: Path = PROJECT_ROOT / "data" / "backups" / "erasure-ledger.jsonl"
    export_link_hours: int = retention_default("IPRODASH_EXPORT_LINK_HOURS")
    deletion_grace_days: int = retention_default("IPRODASH_DELETION_GRACE_DAYS")
    inbound_sms_retention_days: int = retention_default("IPRODASH_INBOUND_SMS_RETENTION_DAYS")
    report_retention_days: int = retention_default("IPRODASH_REPORT_RETENTION_DAYS")
    deleted_company_record_years: int = retention_default("IPRODASH_DELETED_COMPANY_RECORD_YEARS")
    api_rate_limit_per_minute: int = 120
    telnyx_api_key: str = ""
    telnyx_base_url: str = ""
    telnyx_public_key: str = ""
    telnyx_account_per_second: float = 50.0
    telnyx_number_per_second: float = 1.0
    resend_per_second: float = 2.0
    resend_webhook_secret: str = ""
    support_email: str = "support@iprodash.local"
    quiet_hours_start: int = 8
    quiet_hours_end: int = 21
    outbox_lease_minutes: int = 5
    scheduler_lease_seconds: int = 30
    stripe_api_key: str = ""
    stripe_webhook_secret: str = ""
    stripe_api_base: str = ""
    stripe_connect_webhook_secret: str = ""  # the Connect endpoint's own signing secret
    billing_plans: list[str] = field(default_factory=list)  # "price_id:Name:cents" each
    trial_days: int = 14
    past_due_grace_days: int = 7
    trusted_proxies: list[str] = field(default_factory=list)  # addresses or networks
    sms_optin_per_ip_hour: int = 10
    sms_optin_per_number_day: int = 3

    @property
    def billing_enabled(self) -> bool:
        """Billing is on only with both Stripe keys; off, every company is active."""
        return bool(self.stripe_api_key and self.stripe_webhook_secret)

    @property
    def card_payments_enabled(self) -> bool:
        """Companies can connect Stripe and take card payments (platform key + Connect secret)."""
        return bool(self.stripe_api_key and self.stripe_connect_webhook_secret)

    @property
    def cookie_secure(self) -> bool:
        """Secure cookies whenever the app is served over HTTPS."""
        return self.public_url.startswith("https://")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the settings from the environment once per process."""
    port = _env_int("PORT", 3000)
    public_url = _env("IPRODASH_PUBLIC_URL", f"http://localhost:{port}").rstrip("/")
    default_origins = f"{public_url},http://127.0.0.1:{port},http://localhost:{port}"
    return Settings(
        port=port,
        public_url=public_url,
        allowed_origins=_env_list("IPRODASH_ALLOWED_ORIGINS", default_origins),
        mongodb_uri=_env("MONGODB_URI"),
        mongodb_db=_env("MONGODB_DB", "iprodash"),
        data_dir=Path(_env("IPRODASH_DATA_DIR", str(PROJECT_ROOT / "data"))),
        embedded_db_port=_env_int("IPRODASH_EMBEDDED_DB_PORT", 27027),
        embedded_db_cache=_env("IPRODASH_EMBEDDED_DB_CACHE"),
        secret_key=_secret_key(),
        session_hours=_env_int("IPRODASH_SESSION_HOURS", 12),
        tech_link_hours=max(1, _env_int("IPRODASH_TECH_LINK_HOURS", 24)),
        redis_url=_env("REFLEX_REDIS_URL") or _env("REDIS_URL"),
        google_maps_api_key=_env("GOOGLE_MAPS_API_KEY"),
        google_maps_base_url=_env("GOOGLE_MAPS_BASE_URL"),
        tech_session_hours=_env_int("IPRODASH_TECH_SESSION_HOURS", 24 * 14),
        bcrypt_rounds=max(12, _env_int("IPRODASH_BCRYPT_ROUNDS", 12)),
        login_max_failures=_env_int("IPRODASH_LOGIN_MAX_FAILURES", 5),
        login_window_minutes=_env_int("IPRODASH_LOGIN_WINDOW_MINUTES", 15),
        ip_max_failures=_env_int("IPRODASH_IP_MAX_FAILURES", 30),
        invite_days=_retention("IPRODASH_INVITE_DAYS"),
        reset_minutes=_retention("IPRODASH_RESET_MINUTES"),
        confirm_days=_retention("IPRODASH_CONFIRM_DAYS"),
        demo_password=_env("IPRODASH_DEMO_PASSWORD", "demo-pass-1234"),
        resend_api_key=_env("RESEND_API_KEY"),
        resend_api_url=_env("RESEND_API_URL"),
        email_from=_env("IPRODASH_EMAIL_FROM", "iProDash <no-reply@iprodash.local>"),
        session_retention_days=_retention("IPRODASH_SESSION_RETENTION_DAYS"),
        usage_log_retention_days=_retention("IPRODASH_USAGE_LOG_RETENTION_DAYS"),
        outbox_retention_days=_retention("IPRODASH_OUTBOX_RETENTION_DAYS"),
        local_mailbox=Path(_env("IPRODASH_LOCAL_MAILBOX")) if _env("IPRODASH_LOCAL_MAILBOX")
        else None,
        outbox_max_attempts=_env_int("IPRODASH_OUTBOX_MAX_ATTEMPTS", 6),
        backup_dir=Path(_env("IPRODASH_BACKUP_DIR", str(Path(_env(
            "IPRODASH_DATA_DIR", str(PROJECT_ROOT / "data"))) / "backups"))),
        backup_keep=max(1, _retention("IPRODASH_BACKUP_KEEP")),
        backup_hour_utc=_env_int("IPRODASH_BACKUP_HOUR_UTC", 3) % 24,
        backup_key=_env("IPRODASH_BACKUP_KEY"),
        erasure_ledger_file=Path(_env("IPRODASH_ERASURE_LEDGER", str(Path(_env(
            "IPRODASH_BACKUP_DIR", str(Path(_env("IPRODASH_DATA_DIR", str(
                PROJECT_ROOT / "data"))) / "backups"))) / "erasure-ledger.jsonl"))),
        export_link_hours=_retention("IPRODASH_EXPORT_LINK_HOURS"),
        deletion_grace_days=_retention("IPRODASH_DELETION_GRACE_DAYS"),
        inbound_sms_retention_days=_retention("IPRODASH_INBOUND_SMS_RETENTION_DAYS"),
        report_retention_days=_retention("IPRODASH_REPORT_RETENTION_DAYS"),
        deleted_company_record_years=_retention("IPRODASH_DELETED_COMPANY_RECORD_YEARS"),
        api_rate_limit_per_minute=_env_int("IPRODASH_API_RATE_LIMIT_PER_MINUTE", 120),
        telnyx_api_key=_env("TELNYX_API_KEY"),
        telnyx_base_url=_env("TELNYX_BASE_URL"),
        telnyx_public_key=_env("TELNYX_PUBLIC_KEY"),
        telnyx_account_per_second=_env_float("IPRODASH_TELNYX_ACCOUNT_PER_SECOND", 50.0),
        telnyx_number_per_second=_env_float("IPRODASH_TELNYX_NUMBER_PER_SECOND", 1.0),
        resend_per_second=_env_float("IPRODASH_RESEND_PER_SECOND", 2.0),
        resend_webhook_secret=_env("RESEND_WEBHOOK_SECRET"),
        support_email=_env("IPRODASH_SUPPORT_EMAIL", "support@iprodash.local"),
        quiet_hours_start=_env_int("IPRODASH_QUIET_HOURS_START", 8) % 24,
        quiet_hours_end=_env_int("IPRODASH_QUIET_HOURS_END", 21) % 24,
        outbox_lease_minutes=max(1, _env_int("IPRODASH_OUTBOX_LEASE_MINUTES", 5)),
        scheduler_lease_seconds=max(10, _env_int("IPRODASH_SCHEDULER_LEASE_SECONDS", 30)),
        stripe_api_key=_env("STRIPE_API_KEY"),
        stripe_webhook_secret=_env("STRIPE_WEBHOOK_SECRET"),
        stripe_api_base=_env("STRIPE_API_BASE").rstrip("/"),
        stripe_connect_webhook_secret=_env("STRIPE_CONNECT_WEBHOOK_SECRET"),
        billing_plans=_env_list("IPRODASH_PLANS", ""),
        trial_days=max(0, _env_int("IPRODASH_TRIAL_DAYS", 14)),
        past_due_grace_days=max(0, _env_int("IPRODASH_PAST_DUE_GRACE_DAYS", 7)),
        trusted_proxies=_env_list("IPRODASH_TRUSTED_PROXIES", ""),
        sms_optin_per_ip_hour=max(1, _env_int("IPRODASH_SMS_OPTIN_PER_IP_HOUR", 10)),
        sms_optin_per_number_day=max(1, _env_int("IPRODASH_SMS_OPTIN_PER_NUMBER_DAY", 3)),
    )

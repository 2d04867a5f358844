"""Every route of the UI in one place (a constants-only module).

State classes import these for redirects and pages for links; it lives in
state/ so imports flow one way (pages -> components -> state). Nothing else
writes a literal path.
"""

HOME = "/home"
LOGIN = "/login"
SIGNUP = "/signup"
SIGNUP_SENT = "/signup/sent"
CONFIRM = "/confirm/[token]"
FORGOT = "/forgot"
RESET = "/reset/[token]"
JOIN = "/join"
PRIVACY = "/privacy"
TERMS = "/terms"
DATA_PROCESSING = "/data-processing"
ACCEPT_POLICIES = "/policies/accept"
OPERATOR_POLICIES = "/operator/policies"
SESSION_EXPIRED = "/session-expired"
PROFILE = "/profile"
DASHBOARD = "/dashboard"
USERS = "/users"
SETTINGS = "/settings"
AUDIT = "/audit"
SETTLEMENTS = "/settlements"
CSV_IMPORT = "/import-export"
API_JOBS_EXPORT = "/api/jobs/export.csv"
BILLING = "/billing"
OPERATOR = "/operator"
OPERATOR_OUTBOX = "/operator/outbox"
TECH_HOME = "/tech"
TECH_JOB = "/tech/job/[job_id]"
TECH_EARNINGS = "/tech/earnings"
TECH_LINK_EXPIRED = "/tech/link-expired"
PRIVACY_CENTER = "/privacy-center"
API_KEYS = "/api-keys"
MESSAGING_SETTINGS = "/settings/messaging"
MESSAGES = "/messages"
MESSAGE_THREAD = "/messages/[thread]"
OUTBOX = "/outbox"
SMS_OPTIN = "/sms/optin/[optin_code]"
SUPPORT = "/support"
OPERATOR_SUPPORT = "/operator/support"
OPERATOR_SCHEDULER = "/operator/scheduler"
REPORTS = "/reports"
JOBS = "/jobs"
JOB_NEW = "/jobs/new"
JOB_DETAIL = "/jobs/[job_id]"
BOARD = "/board"
CLIENTS = "/clients"
CLIENT_DETAIL = "/clients/[client_id]"
TECHNICIANS = "/technicians"
LEAD_SOURCES = "/lead-sources"
USAGE_LOG = "/usage"
OPERATOR_PEOPLE = "/operator/people"

API_LOGIN = "/api/auth/login"
API_LOGOUT = "/api/auth/logout"
API_LOGOUT_EVERYWHERE = "/api/auth/logout-everywhere"
API_STRIPE_WEBHOOK = "/api/webhooks/stripe"
PAYMENTS_SETTINGS = "/settings/payments"


def login_with_next(path: str) -> str:
    """The login page that returns to ``path`` afterwards."""
    from urllib.parse import quote

    return f"{LOGIN}?next={quote(path)}"


def job_detail(job_id: str) -> str:
    """The page of one job."""
    return f"/jobs/{job_id}"


def client_detail(client_id: str) -> str:
    """The page of one client."""
    return f"/clients/{client_id}"


def invoice_pdf(job_id: str) -> str:
    """The download address of a job's invoice PDF (``iprodash/api/invoice_downloads.py``)."""
    return f"/api/invoices/{job_id}/pdf"

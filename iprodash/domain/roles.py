"""Who someone is in a company and what they may do, with the words shown for each."""

from __future__ import annotations

OPERATOR = "operator"
COMPANY_ADMIN = "company_admin"
USER = "user"
TECHNICIAN = "technician"
ROLE_LABELS = {OPERATOR: "Operator", COMPANY_ADMIN: "Company admin", USER: "Office user",
               TECHNICIAN: "Technician"}

# Permissions: the office user's "view_financials" flag and the API key scopes.
VIEW_FINANCIALS = "view_financials"
API_READ, API_WRITE = "read", "write"
PERMISSION_LABELS = {VIEW_FINANCIALS: "Sees money figures", API_READ: "Read only",
                     API_WRITE: "Read and write"}

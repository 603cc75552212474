"""Services of the customers app (style.md B2): one transaction, locks in the fixed order (customer,
identity, line, account, ledger), rules checked after locking, one audit event per call.

Import them from here: `from customers.services import customer_create, line_create`.
"""

from customers.services.classes import (
    BlacklistCheck,
    customer_class_revoke,
    customer_classify,
    customer_ensure_not_blacklisted,
)
from customers.services.customers import agent_identity_record, customer_create, customer_update, guardian_ensure
from customers.services.lines import line_create, line_service_password_check
from customers.services.privacy import REVEALABLE_FIELDS, identity_reveal

__all__ = [
    "BlacklistCheck",
    "REVEALABLE_FIELDS",
    "agent_identity_record",
    "customer_class_revoke",
    "customer_classify",
    "customer_create",
    "customer_ensure_not_blacklisted",
    "customer_update",
    "guardian_ensure",
    "identity_reveal",
    "line_create",
    "line_service_password_check",
]

"""Which role may do what with customers (merged into the groups by boss.roles.roles_sync).

Every counter and back-office role that serves or looks up customers may see them (masked). Who may
change a class follows who owns it: big customers belong to customer managers and the big-customer
room; the blacklist to store managers, the account room (bad debt) and managers; approving business
for a blacklisted customer to store managers and managers.

Revealing full personal data (`reveal_identity`) is given only where the work needs the full value:
- store managers settle disputes and exceptions at the hall (a police or court request for a
  subscriber's identity, a customer contesting a registration) and must compare the full number with
  the document or the request;
- account-room clerks verify bank collection: the bank checks the account holder's full ID number, so
  a mismatch can only be resolved by comparing it.
Reps never need it: the card reader or the original document in the customer's hand is checked against
the number they type, and the screens show enough (masked number, name) to know whom they serve.
"""

_VIEW = ("customers.view_customer",)
_REGISTER = ("customers.add_customer", "customers.change_customer")

ROLE_PERMISSIONS = {
    "sales_rep": _VIEW + _REGISTER,
    "customer_manager": _VIEW + _REGISTER + ("customers.classify_customer",),
    "store_manager": _VIEW + _REGISTER + (
        "customers.classify_customer", "customers.blacklist_customer", "customers.override_blacklist",
        "customers.reveal_identity",
    ),
    "account_clerk": _VIEW + ("customers.blacklist_customer", "customers.reveal_identity"),
    "big_customer_room": _VIEW + _REGISTER + ("customers.classify_customer",),
    "data_business_room": _VIEW,
    "complaint_reviewer": _VIEW,
    "department_handler": _VIEW,
    "manager": _VIEW + ("customers.classify_customer", "customers.blacklist_customer",
                        "customers.override_blacklist"),
}

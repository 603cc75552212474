"""Who does what in group business (processes.md 0 and 7). The designated VPMN counter is a per-user
permission (groups.vpmn_counter, admin → staff → user permissions; the demo gives it to rep1), not a role."""

_VIEW = ("groups.view_groupcustomer", "groups.view_vpmnapplication")

ROLE_PERMISSIONS = {
    "sales_rep": _VIEW + ("groups.add_groupcustomer", "groups.accept_vpmn"),
    "customer_manager": _VIEW + ("groups.add_groupcustomer", "groups.accept_vpmn"),
    "store_manager": _VIEW + ("groups.add_groupcustomer", "groups.accept_vpmn", "groups.sign_vpmn"),
    "big_customer_room": _VIEW + ("groups.issue_vpmn",),
    "data_business_room": _VIEW,
    "manager": _VIEW,
}

"""Who does what in group business (processes.md 0, 7 and 8). The designated VPMN counter is a per-user
permission (groups.vpmn_counter, admin → staff → user permissions; the demo gives it to rep1), not a role."""

_VIEW = ("groups.view_groupcustomer", "groups.view_vpmnapplication", "groups.view_groupsmsapplication")

ROLE_PERMISSIONS = {
    "sales_rep": _VIEW + ("groups.add_groupcustomer", "groups.accept_vpmn", "groups.accept_group_sms"),
    "customer_manager": _VIEW + ("groups.add_groupcustomer", "groups.accept_vpmn", "groups.accept_group_sms"),
    "store_manager": _VIEW + ("groups.add_groupcustomer", "groups.accept_vpmn", "groups.sign_vpmn",
                                "groups.accept_group_sms"),
    "big_customer_room": _VIEW + ("groups.issue_vpmn", "groups.handle_group_sms"),
    "data_business_room": _VIEW + ("groups.build_group_sms_platform",),
    "manager": _VIEW,
}

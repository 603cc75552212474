from django.utils.translation import gettext_lazy as _

from boss.navigation import NavItem

NAV_ITEMS = [
    NavItem("query", _("Text messages"), "notifications:message_list", "notifications.view_smsmessage"),
    NavItem("admin", _("Simulated SMS gateway"), "notifications:simulated_list", "notifications.view_simulatedsms"),
]

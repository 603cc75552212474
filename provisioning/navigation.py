from django.utils.translation import gettext_lazy as _

from boss.navigation import NavItem

NAV_ITEMS = [
    NavItem("query", _("Work orders"), "provisioning:work_order_list", "provisioning.view_workorder"),
]

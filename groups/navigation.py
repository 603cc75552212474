from django.utils.translation import gettext_lazy as _

from boss.navigation import NavItem

NAV_ITEMS = [
    NavItem("accept", _("VPMN applications"), "groups:vpmn_list", "groups.view_vpmnapplication"),
    NavItem("accept", _("Group SMS applications"), "groups:sms_list", "groups.view_groupsmsapplication"),
]

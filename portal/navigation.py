from django.utils.translation import gettext_lazy as _

from boss.navigation import NavItem

NAV_ITEMS = [
    NavItem("complaints", _("Customer chat"), "portal:desk_chats", "portal.answer_chat"),
]

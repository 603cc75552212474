"""The left navigation, grouped by task (ui.md), showing only what the role may do.

The kernel's items are below; each app lists its own in `<app>/navigation.py` as `NAV_ITEMS`.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    group: str
    label: str
    url_name: str
    perm: str | None = None
    access_key: str = ""


GROUPS = [
    ("accept", _("Acceptance")),      # 受理
    ("pay", _("Payments")),           # 缴费
    ("services", _("Services")),      # 综合业务
    ("complaints", _("Complaints")),  # 投诉
    ("query", _("Queries")),          # 查询
    ("reports", _("Reports")),        # 报表
    ("admin", _("Administration")),   # 管理
]

NAV_ITEMS = [
    NavItem("query", _("Counter home"), "home", "boss.use_counter", "h"),
    NavItem("query", _("Search"), "search", "boss.use_counter"),   # its key (S) is the top bar's search box
    NavItem("reports", _("Audit trail"), "audit_list", "boss.view_auditevent"),
    NavItem("reports", _("Exports of personal data"), "exports", "boss.use_counter"),
    NavItem("admin", _("Tariff parameters"), "tariff_list", "boss.view_tariffparameter"),
    NavItem("admin", _("Halls and staff"), "admin:index", "boss.view_hall"),
]


def all_items() -> list[NavItem]:
    from boss.registry import app_modules

    return [item for module in app_modules("navigation") for item in getattr(module, "NAV_ITEMS", [])]


def nav_for(user) -> list[dict]:
    """The groups and items this user may see, in display order."""
    if not user.is_authenticated:
        return []
    items_all = all_items()
    groups = []
    for code, label in GROUPS:
        items = []
        for item in items_all:
            if item.group != code or (item.perm and not user.has_perm(item.perm)):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            items.append({"label": item.label, "url": url, "key": item.access_key, "name": item.url_name})
        if items:
            groups.append({"code": code, "label": label, "items": items})
    return groups

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self):
        from boss import home, search
        from boss.labels import register_actions
        from customers.profile import register_section
        from inventory.selectors import return_priority_source_set
        from orders.models import Order
        from orders.profile import return_priority_section
        from orders.search import line_search_provider, my_reservations_panel, number_search_provider
        from orders.selectors import return_priority_latest
        from orders.services import (  # noqa: F401  (register provisioning hooks)
            fee_collection,
            lifecycle,
            line_services,
            open_account,
        )

        return_priority_source_set(return_priority_latest)   # retention attempts are this app's (process 3.2)
        search.register(number_search_provider)
        search.register(line_search_provider)
        home.register(my_reservations_panel)
        register_section("return_priority", return_priority_section)
        # The audit actions of a line's processes read as the process's name (boss.labels, issue 11).
        register_actions({f"line.{kind}": label for kind, label in Order.Kind.choices})
        register_actions({"line.secondary.add": Order.Kind.SECONDARY_ADD.label,
                           "line.secondary.remove": Order.Kind.SECONDARY_REMOVE.label,
                           "line.secondary.detach": _("Secondary card detached")})
        register_actions({"order.draft": _("Business entered (draft)"),
                          "order.draft_expire": _("Draft cancelled: not committed in time")})

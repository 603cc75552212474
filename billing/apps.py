from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self):
        from billing.panels import refund_panel, refund_search
        from billing.selectors import accounts_money
        from boss import home, search
        from customers.money import accounts_money_source_set

        accounts_money_source_set(accounts_money)   # the customer banner's balance and deposit
        home.register(refund_panel)
        search.register(refund_search)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self):
        from billing.models import PaymentMethod, revenue_kind_choices
        from billing.panels import refund_panel, refund_search
        from boss.labels import register as register_labels
        from catalog.models import SimCapacity

        # Codes a person reads on the drawer and documents, as labels (boss.labels, issue 11).
        register_labels("billing.PaymentMethod", PaymentMethod)
        register_labels("catalog.SimCapacity", SimCapacity)
        register_labels("billing.FeeType", revenue_kind_choices())
        from billing.selectors import accounts_money
        from boss import home, search
        from customers.money import accounts_money_source_set

        accounts_money_source_set(accounts_money)   # the customer banner's balance and deposit
        home.register(refund_panel)
        search.register(refund_search)

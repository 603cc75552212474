from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self):
        from billing.panels import refund_panel, refund_search
        from billing.selectors import BillSpendSource
        from billing.services.refunds import BillingRefundRequester
        from boss import home, search
        from complaints.refunds import refund_requester_register
        from orders.spend import spend_source_set

        refund_requester_register(BillingRefundRequester())   # process 6 starts at complaint intake
        spend_source_set(BillSpendSource())                   # recommendations read the spend from bills
        home.register(refund_panel)
        search.register(refund_search)

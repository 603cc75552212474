from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        from boss import search
        from customers.search import search_provider

        search.register(search_provider)

        from boss.exports import Exporter, register
        from customers.exports import customer_list_rows

        register(Exporter(kind="customers.list", label=_("Customer list"), perm="customers.view_customer",
                          rows=customer_list_rows))

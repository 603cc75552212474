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

        from boss.labels import register_actions

        register_actions({"customer.search_identity": _("Search by identity number"),
                          "customer.served_other_hall": _("Another hall's customer looked up")})

        from django.contrib.auth.signals import user_logged_out

        user_logged_out.connect(_forget_served_customers, dispatch_uid="customers.forget_served")


def _forget_served_customers(sender, request, user, **kwargs):
    """Signing out ends the rep's access to other halls' customers they looked up (issue 12 item 9)."""
    from customers.selectors import customer_served_forget

    if user is not None and user.pk is not None:
        customer_served_forget(actor=user)

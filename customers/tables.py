import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from boss.lists import DateTimeColumn
from boss.masking import mask, mask_msisdn, name_for
from customers.models import Customer, CustomerClass


def _row_class(record):
    classes = getattr(record, "active_classes", [])
    return "vip" if any(c.kind == CustomerClass.Kind.VIP for c in classes) else ""


class CustomerTable(tables.Table):
    """Customers with masked identity and contact, their class badges; VIP rows are marked."""

    name = tables.Column(verbose_name=_("name"), linkify=lambda record: reverse("customers:detail", args=[record.pk]))
    classes = tables.Column(verbose_name=_("class"), empty_values=(), orderable=False)
    # Not sortable: over a million customers a sort by type or hall reads them all (1.9 s and 2.6 s); the list's
    # filters narrow by both, and the name and the registration date sort from their indexes (issue 20).
    kind = tables.Column(verbose_name=_("customer type"), orderable=False)
    identity = tables.Column(verbose_name=_("identity document"), orderable=False)
    contact_phone = tables.Column(verbose_name=_("contact number"), orderable=False)
    created_hall = tables.Column(verbose_name=_("registered at"), orderable=False)
    created_at = DateTimeColumn(verbose_name=_("registered on"), format="Y-m-d")

    class Meta:
        model = Customer
        fields = ["name", "classes", "kind", "identity", "contact_phone", "created_hall", "created_at"]
        attrs = {"class": "table", "data-keynav": ""}
        row_attrs = {"class": _row_class}
        empty_text = _("No customers match. Check the name, or register a new customer.")

    def render_classes(self, record):
        return render_to_string("customers/_class_badges.html", {"classes": record.active_classes})

    def render_name(self, value):
        return name_for(getattr(getattr(self, "request", None), "user", None), value)

    def render_identity(self, record):
        return f"{record.identity.get_doc_type_display()} {mask(record.identity.number)}"

    def render_contact_phone(self, value):
        return mask_msisdn(value)

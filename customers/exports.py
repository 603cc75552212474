"""The customer list as a bulk export (boss.exports: a second person approves, the download is audited).
Identity numbers and contact numbers stay masked; the name follows the requester's role (boss.masking)."""

from django.utils.translation import gettext as _

from boss.masking import mask, mask_msisdn, name_for


def customer_list_rows(*, actor, params: dict):
    from customers.filtersets import CustomerFilterSet
    from customers.selectors import customer_list_for_actor

    qs = CustomerFilterSet(params, queryset=customer_list_for_actor(actor=actor)).qs.order_by("pk")
    header = [_("name"), _("customer type"), _("identity document"), _("contact number"), _("registered at"),
              _("registered on")]

    def rows():
        for c in qs.iterator(chunk_size=500):
            yield [name_for(actor, c.name), c.get_kind_display(), mask(c.identity.number), mask_msisdn(c.contact_phone),
                   c.created_hall.code if c.created_hall_id else "", f"{c.created_at:%Y-%m-%d}"]

    return header, rows()

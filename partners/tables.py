import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from boss.lists import DateTimeColumn
from customers.models import CustomerIdentity
from partners.models import BlacklistEntry, Partner

STATUS_TONES = {"active": "ok", "suspended": "warn", "deleted": "neutral", "removed": "neutral"}


def _status_badge(record) -> str:
    return format_html('<span class="badge badge-{}" data-status="{}">{}</span>',
                       STATUS_TONES.get(record.status, "neutral"), record.status, record.get_status_display())


class PartnerTable(tables.Table):
    interface_number = tables.Column(verbose_name=_("interface number"),
                                     linkify=lambda record: reverse("partners:partner_detail", args=[record.pk]))
    name = tables.Column(verbose_name=_("name"))
    kind = tables.Column(verbose_name=_("partner type"))
    category = tables.Column(verbose_name=_("category"))
    status = tables.Column(verbose_name=_("status"))
    hall_count = tables.Column(verbose_name=_("agent halls"), attrs={"td": {"class": "num"}})

    class Meta:
        model = Partner
        fields = ["interface_number", "name", "kind", "category", "status", "hall_count"]
        attrs = {"class": "table", "data-keynav": ""}
        empty_text = _("No partners yet.")

    def render_status(self, record):
        return _status_badge(record)


class BlacklistEntryTable(tables.Table):
    partner = tables.Column(verbose_name=_("partner"), order_by=("partner__name",))
    identity_type = tables.Column(verbose_name=_("document type"))
    number = tables.Column(verbose_name=_("identity number"), empty_values=(), orderable=False)
    reason = tables.Column(verbose_name=_("reason"), orderable=False)
    since = DateTimeColumn(verbose_name=_("since"), format="Y-m-d")
    status = tables.Column(verbose_name=_("status"))
    updated_at = DateTimeColumn(verbose_name=_("last change"), format="Y-m-d H:i")

    class Meta:
        model = BlacklistEntry
        fields = ["partner", "identity_type", "number", "reason", "since", "status", "updated_at"]
        attrs = {"class": "table"}
        empty_text = _("No joint-blacklist entries.")

    def render_partner(self, record):
        return record.partner.name

    def render_identity_type(self, record):
        return CustomerIdentity.DocType(record.identity_type).label \
            if record.identity_type in CustomerIdentity.DocType.values else record.identity_type

    def render_number(self, record):
        return record.number_masked or _("hashed by the partner")

    def render_status(self, record):
        return _status_badge(record)

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from boss.templatetags.boss_tags import yuan
from catalog.models import Plan

_NUM = {"td": {"class": "num"}, "th": {"class": "num"}}


def _allowance(value, unit):
    return format_html('<span class="num">{}</span> {}', f"{value:,}", unit) if value else "—"


class PlanTable(tables.Table):
    """The catalogue as a rep reads it: names and labels, never the product code (ui.md)."""

    name = tables.Column(verbose_name=_("name"))
    kind = tables.Column(verbose_name=_("product type"))
    network = tables.Column(verbose_name=_("network"))
    monthly_fee = tables.Column(verbose_name=_("monthly fee"), attrs=_NUM)
    voice_minutes = tables.Column(verbose_name=_("voice"), attrs=_NUM)
    data_mb = tables.Column(verbose_name=_("data"), attrs=_NUM)
    sms_count = tables.Column(verbose_name=_("SMS"), attrs=_NUM)
    overage = tables.Column(verbose_name=_("beyond the allowance"), empty_values=(), orderable=False)
    validity = tables.Column(verbose_name=_("validity"), empty_values=(), order_by=("valid_from",))
    active = tables.BooleanColumn(verbose_name=_("on sale"))

    class Meta:
        model = Plan
        fields = ["name", "kind", "network", "monthly_fee", "voice_minutes", "data_mb", "sms_count",
                  "overage", "validity", "active"]
        attrs = {"class": "table"}
        empty_text = _("No products match. Clear the filters, or ask the administrator to add products.")

    def render_monthly_fee(self, value):
        return format_html('<span class="money">{}</span>', yuan(value))

    def render_voice_minutes(self, value):
        return _allowance(value, _("min"))

    def render_sms_count(self, value):
        return _allowance(value, _("SMS"))

    def render_data_mb(self, value):
        if value >= 1024 and value % 1024 == 0:
            return format_html('<span class="num">{}</span> GB', value // 1024)
        return _allowance(value, "MB")

    def render_overage(self, record):
        return _("%(minute)s/min · %(sms)s/SMS · %(mb)s/MB") % {
            "minute": f"¥{record.overage_per_minute.normalize():f}", "sms": f"¥{record.overage_per_sms.normalize():f}",
            "mb": f"¥{record.overage_per_mb.normalize():f}"}

    def render_validity(self, record):
        end = record.valid_until.isoformat() if record.valid_until else _("open")
        return f"{record.valid_from.isoformat()} – {end}"

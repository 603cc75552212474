import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from boss.templatetags.boss_tags import yuan
from orders.models import Handset, Plan, RechargeCard, SimCard

_NUM = {"td": {"class": "num"}, "th": {"class": "num"}}
_TONES = {"in_stock": "ok", "active": "ok", "assigned": "neutral", "sold": "neutral", "redeemed": "neutral",
          "damaged": "bad", "void": "bad"}


def _status_badge(record):
    return format_html('<span class="badge badge-{}">{}</span>', _TONES.get(record.status, "neutral"),
                       record.get_status_display())


class SimCardTable(tables.Table):
    iccid = tables.Column(verbose_name=_("ICCID"))
    imsi = tables.Column(verbose_name=_("IMSI"))
    capacity = tables.Column(verbose_name=_("capacity"))
    hall = tables.Column(verbose_name=_("service hall"), order_by=("hall__code",))
    status = tables.Column(verbose_name=_("status"))
    created_at = tables.DateTimeColumn(verbose_name=_("in stock since"), format="Y-m-d")

    class Meta:
        model = SimCard
        fields = ["iccid", "imsi", "capacity", "hall", "status", "created_at"]
        attrs = {"class": "table"}
        empty_text = _("No SIM cards here. Import a delivery with \"Import stock\".")

    def render_status(self, record):
        return _status_badge(record)


class HandsetTable(tables.Table):
    imei = tables.Column(verbose_name=_("IMEI"))
    model = tables.Column(verbose_name=_("model"), order_by=("model__brand", "model__name"))
    price = tables.Column(verbose_name=_("price"), accessor="model__price", attrs=_NUM, orderable=False)
    hall = tables.Column(verbose_name=_("service hall"), order_by=("hall__code",))
    status = tables.Column(verbose_name=_("status"))

    class Meta:
        model = Handset
        fields = ["imei", "model", "price", "hall", "status"]
        attrs = {"class": "table"}
        empty_text = _("No handsets here. Import a delivery with \"Import stock\".")

    def render_price(self, value):
        return format_html('<span class="money">{}</span>', yuan(value))

    def render_status(self, record):
        return _status_badge(record)


class RechargeCardTable(tables.Table):
    serial = tables.Column(verbose_name=_("serial number"))
    face_value = tables.Column(verbose_name=_("face value"), attrs=_NUM)
    valid_until = tables.DateColumn(verbose_name=_("usable until"), format="Y-m-d")
    hall = tables.Column(verbose_name=_("service hall"), order_by=("hall__code",))
    status = tables.Column(verbose_name=_("status"))
    redeemed_at = tables.DateTimeColumn(verbose_name=_("used at"), format="Y-m-d H:i")

    class Meta:
        model = RechargeCard
        fields = ["serial", "face_value", "valid_until", "hall", "status", "redeemed_at"]
        attrs = {"class": "table"}
        empty_text = _("No recharge cards here. Import a batch with \"Import stock\".")

    def render_face_value(self, value):
        return format_html('<span class="money">{}</span>', yuan(value))

    def render_status(self, record):
        return _status_badge(record)


def _allowance(value, unit):
    return format_html('<span class="num">{}</span> {}', f"{value:,}", unit) if value else "—"


class PlanTable(tables.Table):
    code = tables.Column(verbose_name=_("code"))
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
        fields = ["code", "name", "kind", "network", "monthly_fee", "voice_minutes", "data_mb", "sms_count",
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

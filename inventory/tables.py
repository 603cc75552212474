import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from boss.lists import DateTimeColumn
from boss.templatetags.boss_tags import yuan
from inventory.models import Handset, RechargeCard, SimCard

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
    created_at = DateTimeColumn(verbose_name=_("in stock since"), format="Y-m-d")

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
    valid_until = DateTimeColumn(verbose_name=_("usable until"), format="Y-m-d")
    hall = tables.Column(verbose_name=_("service hall"), order_by=("hall__code",))
    status = tables.Column(verbose_name=_("status"))
    redeemed_at = DateTimeColumn(verbose_name=_("used at"), format="Y-m-d H:i")

    class Meta:
        model = RechargeCard
        fields = ["serial", "face_value", "valid_until", "hall", "status", "redeemed_at"]
        attrs = {"class": "table"}
        empty_text = _("No recharge cards here. Import a batch with \"Import stock\".")

    def render_face_value(self, value):
        return format_html('<span class="money">{}</span>', yuan(value))

    def render_status(self, record):
        return _status_badge(record)

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from billing.models import ZERO, LedgerAccount
from boss.templatetags.boss_tags import yuan


class LedgerAccountTable(tables.Table):
    code = tables.Column(verbose_name=_("code"), linkify=lambda record: reverse(
        "billing:ledger_account_detail", args=[record.pk]))
    label = tables.Column(verbose_name=_("name"), empty_values=(), orderable=False)
    kind = tables.Column(verbose_name=_("kind"))
    hall = tables.Column(verbose_name=_("service hall"))
    entry_count = tables.Column(verbose_name=_("entries"), attrs={"td": {"class": "num"}})
    balance = tables.Column(verbose_name=_("balance"), empty_values=(), order_by=("signed_sum",),
                            attrs={"td": {"class": "num"}})

    class Meta:
        model = LedgerAccount
        fields = ["code", "label", "kind", "hall", "entry_count", "balance"]
        attrs = {"class": "table"}
        empty_text = _("No ledger accounts yet: they appear with the first money movement.")

    def render_balance(self, record):
        value = record.normal(record.signed_sum or ZERO)
        css = "neg" if value < 0 else ""
        return format_html('<span class="money {}">{}</span>', css, yuan(value))

import django_tables2 as tables
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from billing.models import LedgerAccount
from boss.lists import DateTimeColumn
from boss.money import ZERO
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

    def render_code(self, value):
        return format_html("<code>{}</code>", value)     # the ledger's own identifier, not a label

    def render_balance(self, record):
        value = record.normal(record.signed_sum or ZERO)
        css = "neg" if value < 0 else ""
        return format_html('<span class="money {}">{}</span>', css, yuan(value))


def _money(value, css=""):
    return format_html('<span class="money {}">{}</span>', css, yuan(value))


class BillTable(tables.Table):
    number = tables.Column(verbose_name=_("bill"), accessor="pk", linkify=lambda record: reverse(
        "billing:itemised", args=[record.line_id, f"{record.period:%Y-%m}"]))
    period = DateTimeColumn(verbose_name=_("month"), format="Y-m")
    msisdn = tables.Column(verbose_name=_("mobile number"), accessor="line__msisdn")
    customer = tables.Column(verbose_name=_("customer"), accessor="customer__name")
    plan = tables.Column(verbose_name=_("plan"), accessor="plan__name")
    total = tables.Column(verbose_name=_("total"), attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    paid = tables.Column(verbose_name=_("paid"), empty_values=(), orderable=False)
    huge = tables.Column(verbose_name=_("huge bill"), empty_values=(), order_by=("huge",))

    class Meta:
        attrs = {"class": "table"}
        empty_text = _("No bill matches. Bills appear after the month's bill run.")

    def render_number(self, record):
        return record.number

    def render_customer(self, value):
        from boss.masking import name_for

        return name_for(getattr(getattr(self, "request", None), "user", None), value)

    def render_total(self, value):
        return _money(value)

    def render_paid(self, record):
        try:
            settlement = record.settlement
        except ObjectDoesNotExist:
            settlement = None
        if settlement is not None:
            return format_html('<span class="badge badge-ok">{}</span>', _("paid"))
        return format_html('<span class="badge badge-warn">{}</span>', _("unpaid"))

    def render_huge(self, record):
        if record.huge:
            return format_html('<span class="badge badge-bad">{} ×{}</span>', _("huge"), _avg(record))
        return "—"


def _avg(bill):
    if not bill.history_average:
        return "-"
    return f"{bill.total / bill.history_average:.1f}"


class ArrearsCaseTable(tables.Table):
    account = tables.Column(verbose_name=_("account"), accessor="account_id")
    customer = tables.Column(verbose_name=_("customer"), accessor="account__customer__name")
    status = tables.Column(verbose_name=_("status"))
    balance_at_reminder = tables.Column(verbose_name=_("balance at the reminder"),
                                        attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    reminded_at = DateTimeColumn(verbose_name=_("reminded at"), format="Y-m-d H:i")
    suspend_after = DateTimeColumn(verbose_name=_("suspension from"), format="Y-m-d H:i")
    suspended_lines = tables.Column(verbose_name=_("lines suspended"), orderable=False)
    closed_at = DateTimeColumn(verbose_name=_("case closed at"), format="Y-m-d H:i")

    class Meta:
        attrs = {"class": "table"}
        empty_text = _("No account is in arrears.")

    def render_customer(self, value):
        from boss.masking import name_for

        return name_for(getattr(getattr(self, "request", None), "user", None), value)

    def render_status(self, record):
        tone = {"reminded": "warn", "suspended": "bad"}.get(record.status, "neutral")
        return format_html('<span class="badge badge-{}">{}</span>', tone, record.get_status_display())

    def render_balance_at_reminder(self, value):
        return _money(value, "neg" if value < 0 else "")

    def render_suspended_lines(self, value):
        return "、".join(value) if value else "—"


class RefundCaseTable(tables.Table):
    number = tables.Column(verbose_name=_("refund number"), linkify=lambda record: reverse(
        "billing:refund_detail", args=[record.pk]))
    status = tables.Column(verbose_name=_("status"))
    customer = tables.Column(verbose_name=_("customer"), accessor="account__customer__name")
    msisdn = tables.Column(verbose_name=_("mobile number"), accessor="line__msisdn", default="—")
    complaint = tables.Column(verbose_name=_("complaint"), accessor="complaint_number", default="—")
    requested_at = DateTimeColumn(verbose_name=_("requested at"), format="Y-m-d H:i")
    approved_amount = tables.Column(verbose_name=_("approved amount"),
                                    attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    paid_amount = tables.Column(verbose_name=_("amount paid"), attrs={"td": {"class": "num"}, "th": {"class": "num"}})

    class Meta:
        attrs = {"class": "table"}
        empty_text = _("No refund case matches.")

    def render_customer(self, value):
        from boss.masking import name_for

        return name_for(getattr(getattr(self, "request", None), "user", None), value)

    def render_status(self, record):
        tone = {"requested": "warn", "approved": "warn", "rejected": "neutral", "paid": "ok"}[record.status]
        return format_html('<span class="badge badge-{}">{}</span>', tone, record.get_status_display())

    def render_approved_amount(self, value):
        return _money(value)

    def render_paid_amount(self, value):
        return _money(value)


class BankCollectionBatchTable(tables.Table):
    batch = tables.Column(verbose_name=_("batch"), accessor="pk", linkify=lambda record: reverse(
        "billing:collection_detail", args=[record.pk]))
    period = DateTimeColumn(verbose_name=_("month"), format="Y-m")
    bank_code = tables.Column(verbose_name=_("bank"))
    status = tables.Column(verbose_name=_("status"))
    item_count = tables.Column(verbose_name=_("accounts"), attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    total = tables.Column(verbose_name=_("amount asked"), attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    created_at = DateTimeColumn(verbose_name=_("created at"), format="Y-m-d H:i")

    class Meta:
        attrs = {"class": "table"}
        empty_text = _("No collection batch yet: make the month's batches after its bill run.")

    def render_batch(self, record):
        return str(record)

    def render_total(self, value):
        return _money(value)

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from boss.lists import DateTimeColumn
from provisioning.models import WorkOrder

STATE_TONES = {"ready": "neutral", "running": "warn", "done": "ok", "failed": "bad", "rolled_back": "neutral"}


class WorkOrderTable(tables.Table):
    key = tables.Column(verbose_name=_("work order"), empty_values=(), order_by=("id",))
    action = tables.Column(verbose_name=_("action"))
    msisdn = tables.Column(verbose_name=_("mobile number"))
    state = tables.Column(verbose_name=_("state"))
    attempts = tables.Column(verbose_name=_("attempts"), attrs={"td": {"class": "num"}})
    last_error = tables.Column(verbose_name=_("last error"))
    created_at = DateTimeColumn(verbose_name=_("created at"), format="Y-m-d H:i:s")
    actions = tables.TemplateColumn(template_name="provisioning/_work_order_actions.html", verbose_name="",
                                    orderable=False)

    class Meta:
        model = WorkOrder
        fields = ["key", "action", "msisdn", "state", "attempts", "last_error", "created_at"]
        attrs = {"class": "table"}
        empty_text = _("No work orders match these filters.")

    def render_key(self, record):
        return record.key

    def render_state(self, record):
        return format_html('<span class="badge badge-{}">{}</span>', STATE_TONES[record.state],
                           record.get_state_display())

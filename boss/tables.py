import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from boss.labels import action_label
from boss.lists import DateTimeColumn
from boss.models import AuditEvent


class AuditEventTable(tables.Table):
    occurred_at = DateTimeColumn(verbose_name=_("time"), format="Y-m-d H:i:s")
    actor = tables.Column(verbose_name=_("operator"), empty_values=(), order_by=("actor__username",))
    hall = tables.Column(verbose_name=_("service hall"))
    action = tables.Column(verbose_name=_("action"))
    target_repr = tables.Column(verbose_name=_("target"))
    reason = tables.Column(verbose_name=_("reason"))
    request_id = tables.Column(verbose_name=_("request id"))

    class Meta:
        model = AuditEvent
        fields = ["occurred_at", "actor", "hall", "action", "target_repr", "reason", "request_id"]
        attrs = {"class": "table"}
        empty_text = _("No audit events match these filters.")

    def render_action(self, value):
        return action_label(value)

    def render_actor(self, record):
        return record.actor.display_name if record.actor else _("anonymous")

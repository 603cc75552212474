import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from boss.lists import DateTimeColumn
from boss.masking import mask_msisdn
from notifications.models import SimulatedSms, SmsMessage
from notifications.texts import sms_templates

STATE_TONES = {"queued": "neutral", "sending": "warn", "sent": "ok", "delivered": "ok", "undelivered": "bad",
               "failed": "bad"}


class SmsMessageTable(tables.Table):
    id = tables.Column(verbose_name=_("message"))
    template = tables.Column(verbose_name=_("template"))
    msisdn = tables.Column(verbose_name=_("mobile number"))
    state = tables.Column(verbose_name=_("state"))
    attempts = tables.Column(verbose_name=_("attempts"), attrs={"td": {"class": "num"}})
    last_error = tables.Column(verbose_name=_("last error"))
    created_at = DateTimeColumn(verbose_name=_("created at"), format="Y-m-d H:i:s")
    sent_at = DateTimeColumn(verbose_name=_("sent at"), format="Y-m-d H:i:s")

    class Meta:
        model = SmsMessage
        fields = ["id", "template", "msisdn", "state", "attempts", "last_error", "created_at", "sent_at"]
        attrs = {"class": "table"}
        empty_text = _("No text messages match these filters.")

    def render_id(self, record):
        return f"SMS{record.pk}"

    def render_template(self, record):
        tpl = sms_templates().get(record.template)
        return tpl.label if tpl else record.template

    def render_msisdn(self, value):
        return mask_msisdn(value)

    def render_state(self, record):
        return format_html('<span class="badge badge-{}">{}</span>', STATE_TONES[record.state],
                           record.get_state_display())


class SimulatedSmsTable(tables.Table):
    sent_at = DateTimeColumn(verbose_name=_("sent at"), format="Y-m-d H:i:s")
    msisdn = tables.Column(verbose_name=_("mobile number"))
    body = tables.Column(verbose_name=_("text"))

    class Meta:
        model = SimulatedSms
        fields = ["sent_at", "msisdn", "body"]
        attrs = {"class": "table"}
        empty_text = _("The simulated gateway has sent nothing yet.")

    def render_msisdn(self, value):
        return mask_msisdn(value)

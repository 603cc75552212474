import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from boss.lists import DateTimeColumn
from groups.models import GroupSmsApplication, VpmnApplication


class VpmnApplicationTable(tables.Table):
    number = tables.Column(verbose_name=_("application"), empty_values=(), order_by=("id",))
    group = tables.Column(verbose_name=_("group"), accessor="group__customer__name")
    kind = tables.Column(verbose_name=_("kind"))
    state = tables.Column(verbose_name=_("state"))
    hall = tables.Column(verbose_name=_("service hall"), accessor="hall__name")
    created_at = DateTimeColumn(verbose_name=_("accepted at"), format="Y-m-d H:i")

    class Meta:
        model = VpmnApplication
        fields = ["number", "group", "kind", "state", "hall", "created_at"]
        attrs = {"class": "table"}
        empty_text = _("No VPMN applications.")

    def render_number(self, record):
        from django.urls import reverse

        return format_html('<a href="{}">{}</a>', reverse("groups:vpmn_detail", args=[record.pk]), record.number)


class GroupSmsApplicationTable(tables.Table):
    number = tables.Column(verbose_name=_("application"), empty_values=(), order_by=("id",))
    group = tables.Column(verbose_name=_("group"), accessor="group__customer__name")
    state = tables.Column(verbose_name=_("state"))
    hall = tables.Column(verbose_name=_("service hall"), accessor="hall__name")
    created_at = DateTimeColumn(verbose_name=_("accepted at"), format="Y-m-d H:i")

    class Meta:
        model = GroupSmsApplication
        fields = ["number", "group", "state", "hall", "created_at"]
        attrs = {"class": "table"}
        empty_text = _("No group SMS applications.")

    def render_number(self, record):
        from django.urls import reverse

        return format_html('<a href="{}">{}</a>', reverse("groups:sms_detail", args=[record.pk]), record.number)

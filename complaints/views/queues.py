"""Each role's queue (reviewer: to classify and to check; department: to handle; callback: to call),
VIP customers first and then by due time; the escalation notices of department heads and managers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from boss.errors import DomainError
from boss.lists import LazyListMixin
from complaints.models import Escalation, Stage
from complaints.selectors import escalation_list_for_actor, queue_list
from complaints.services import escalation_acknowledge
from complaints.tables import EscalationTable, QueueTable


@method_decorator(never_cache, name="dispatch")
class QueueView(LoginRequiredMixin, PermissionRequiredMixin, LazyListMixin, TemplateView):
    template_name = "complaints/queue.html"
    table_class = QueueTable
    stage: str = ""
    title = ""

    def get_table_data(self):
        return queue_list(actor=self.request.user, stage=self.stage)

    def get_context_data(self, **kwargs):
        user = self.request.user
        notices = []
        if user.has_perm("complaints.lead_department"):
            notices = list(escalation_list_for_actor(actor=user).filter(level=Escalation.Level.DEPARTMENT_HEAD)[:20])
        return super().get_context_data(title=self.title, notices=notices, **kwargs)


class ReviewQueueView(QueueView):
    permission_required = "complaints.review_complaint"
    stage, title = Stage.REVIEW, gettext_lazy("Complaints to classify and dispatch")


class HandleQueueView(QueueView):
    permission_required = "complaints.handle_complaint"
    stage, title = Stage.HANDLE, gettext_lazy("Complaints to handle")


class CheckQueueView(QueueView):
    permission_required = "complaints.review_complaint"
    stage, title = Stage.CHECK, gettext_lazy("Replies to check")


class CallbackQueueView(QueueView):
    permission_required = "complaints.callback_complaint"
    stage, title = Stage.CALLBACK, gettext_lazy("Customers to call back")


@method_decorator(never_cache, name="dispatch")
class EscalationListView(LoginRequiredMixin, PermissionRequiredMixin, LazyListMixin, TemplateView):
    permission_required = "complaints.receive_escalation"
    template_name = "complaints/escalation_list.html"
    table_class = EscalationTable

    def get_table_data(self):
        return escalation_list_for_actor(actor=self.request.user)


@login_required
@require_POST
def escalation_acknowledge_view(request, pk: int):
    user = request.user
    if not (user.has_perm("complaints.lead_department") or user.has_perm("complaints.receive_escalation")):
        raise PermissionDenied
    escalation = get_object_or_404(Escalation, pk=pk)
    try:
        escalation_acknowledge(actor=user, escalation=escalation)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Escalation acknowledged."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "complaints:escalation_list" if user.has_perm("complaints.receive_escalation") else "home"
    return redirect(target)

"""The complaint screens: the list, intake, the work order with its timeline, and one view per step.

The work order's page shows the forms of the steps the user may take now (by permission, state and
department); each form posts to its own view, which calls its service and redirects (PRG). A refusal
comes back on the same page at the field it concerns, with what was typed kept.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView
from django_filters.views import FilterView

from boss.errors import DomainError
from boss.forms import form_add_domain_error
from boss.idempotency import idempotent
from boss.lists import LazyListMixin
from boss.models import Department
from complaints import forms
from complaints.filtersets import ComplaintFilterSet
from complaints.models import Complaint, ComplaintStep
from complaints.selectors import (
    complaint_get_for_actor,
    complaint_list_for_actor,
    complaint_timeline,
)
from complaints.services import (
    complaint_accept,
    complaint_callback,
    complaint_dispatch,
    complaint_open,
    complaint_pass_down,
    complaint_redispatch,
    complaint_reply,
    complaint_return,
)
from complaints.tables import ComplaintTable


@method_decorator(never_cache, name="dispatch")
class ComplaintListView(LoginRequiredMixin, PermissionRequiredMixin, LazyListMixin, FilterView):
    permission_required = "complaints.view_complaint"
    template_name = "complaints/complaint_list.html"
    table_class = ComplaintTable
    filterset_class = ComplaintFilterSet

    def get_queryset(self):
        return complaint_list_for_actor(actor=self.request.user)


@method_decorator(never_cache, name="dispatch")
class ComplaintOpenView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    permission_required = "complaints.file_complaint"
    template_name = "complaints/complaint_open.html"
    form_class = forms.ComplaintOpenForm

    def get_initial(self):
        user = self.request.user
        if user.hall_id:
            channel = Complaint.Channel.COUNTER
        elif user.department_id and user.department.kind == Department.Kind.CUSTOMER_SERVICE:
            channel = Complaint.Channel.BRANCH_SERVICE
        else:
            channel = Complaint.Channel.HOTLINE
        return {"channel": channel, "msisdn": self.request.GET.get("msisdn", "")[:11]}

    def form_valid(self, form):
        data, actor = form.cleaned_data, self.request.user

        def run():
            complaint = complaint_open(
                actor=actor, channel=data["channel"], category=data["category"], description=data["description"],
                severity=data["severity"], msisdn=data["msisdn"], order_reference=data["order_reference"],
                caller_name=data["caller_name"], contact_phone=data["contact_phone"],
                disputed_on=data["disputed_on"], solved_on_the_spot=data["solved_on_the_spot"],
                answer=data["answer"])
            return 201, {"id": complaint.pk, "number": complaint.number, "status": complaint.status}

        try:
            result = idempotent(actor=actor, key=data["idempotency_key"], scope="complaints.open",
                                params=form.params(), run=run)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        if result.body["status"] == Complaint.Status.CLOSED:
            messages.success(self.request, _("Complaint %(number)s answered and closed.") % result.body)
        else:
            messages.success(self.request, _("Complaint %(number)s filed; it is with branch customer service "
                                             "for review.") % result.body)
        return redirect("complaints:complaint_detail", pk=result.body["id"])


# --------------------------------------------------------------------------------------------------
# The work order and its steps
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    name: str
    title: str
    form_class: type
    perm: str
    status: str
    call: Callable  # call(*, actor, complaint, data) -> Complaint
    done: str       # message after success


ACTIONS: dict[str, Action] = {a.name: a for a in [
    Action("dispatch", gettext_lazy("Classify and dispatch"), forms.DispatchForm, "complaints.review_complaint",
           Complaint.Status.TO_REVIEW,
           lambda *, actor, complaint, data: complaint_dispatch(
               actor=actor, complaint=complaint, department=data["department"], category=data["category"],
               severity=data["severity"], note=data["note"]),
           gettext_lazy("Complaint dispatched.")),
    Action("reply", gettext_lazy("Reply"), forms.ReplyForm, "complaints.handle_complaint", Complaint.Status.DISPATCHED,
           lambda *, actor, complaint, data: complaint_reply(actor=actor, complaint=complaint, reply=data["reply"],
                                               template_article=data["template_article"]),
           gettext_lazy("Reply sent to branch customer service.")),
    Action("pass_down", gettext_lazy("Pass down to a district unit"), forms.PassDownForm,
           "complaints.handle_complaint", Complaint.Status.DISPATCHED,
           lambda *, actor, complaint, data: complaint_pass_down(
               actor=actor, complaint=complaint, unit=data["unit"], note=data["note"]),
           gettext_lazy("Complaint passed down.")),
    Action("return", gettext_lazy("Return to branch customer service (退单)"), forms.ReturnForm,
           "complaints.handle_complaint", Complaint.Status.DISPATCHED,
           lambda *, actor, complaint, data: complaint_return(actor=actor, complaint=complaint, reason=data["reason"]),
           gettext_lazy("Complaint returned to branch customer service.")),
    Action("accept", gettext_lazy("Handled effectively: answer the customer"), forms.AcceptForm,
           "complaints.review_complaint", Complaint.Status.REPLIED,
           lambda *, actor, complaint, data: complaint_accept(actor=actor, complaint=complaint, answer=data["answer"]),
           gettext_lazy("Answer recorded; the complaint is waiting for its callback.")),
    Action("redispatch", gettext_lazy("Not handled effectively: re-dispatch"), forms.RedispatchForm,
           "complaints.review_complaint", Complaint.Status.REPLIED,
           lambda *, actor, complaint, data: complaint_redispatch(
               actor=actor, complaint=complaint, reason=data["reason"],
                                                    department=data["department"]),
           gettext_lazy("Complaint re-dispatched.")),
    Action("callback", gettext_lazy("Callback and satisfaction"), forms.CallbackForm,
           "complaints.callback_complaint", Complaint.Status.ANSWERED,
           lambda *, actor, complaint, data: complaint_callback(
               actor=actor, complaint=complaint, satisfaction=data["satisfaction"],
                                                  note=data["note"]),
           gettext_lazy("Callback recorded; the complaint is closed.")),
]}


def _form_kwargs(action: Action, complaint: Complaint, open_step: ComplaintStep | None) -> dict:
    if action.name == "pass_down":
        return {"department": open_step.department if open_step else None}
    return {}


def _initial(action: Action, complaint: Complaint, timeline: list[ComplaintStep]) -> dict:
    if action.name == "dispatch":
        return {"category": complaint.category_id, "severity": complaint.severity,
                "department": complaint.category.default_department_id}
    if action.name == "accept":
        replies = [s.text for s in timeline if s.outcome == ComplaintStep.Outcome.REPLIED]
        return {"answer": replies[-1] if replies else ""}
    if action.name == "redispatch":
        return {"department": complaint.department_id}
    return {}


def _actions_for(user, complaint: Complaint, open_step: ComplaintStep | None) -> list[Action]:
    if open_step is None or user.department_id is None or open_step.department_id != user.department_id:
        return []
    found = [a for a in ACTIONS.values() if a.status == complaint.status and user.has_perm(a.perm)]
    if not Department.objects.filter(parent_id=open_step.department_id, active=True).exists():
        found = [a for a in found if a.name != "pass_down"]
    return found


PROGRESS = [
    (Complaint.Status.TO_REVIEW, gettext_lazy("Review and dispatch")),
    (Complaint.Status.DISPATCHED, gettext_lazy("Department handling")),
    (Complaint.Status.REPLIED, gettext_lazy("Check of the reply")),
    (Complaint.Status.ANSWERED, gettext_lazy("Callback")),
    (Complaint.Status.CLOSED, gettext_lazy("Closed")),
]


def _progress(complaint: Complaint) -> list[dict]:
    order = [status for status, _label in PROGRESS]
    current = order.index(complaint.status)
    return [{"label": label, "state": "done" if i < current or complaint.status == Complaint.Status.CLOSED
             else "current" if i == current else ""} for i, (_status, label) in enumerate(PROGRESS)]


def _detail(request, complaint: Complaint, *, bound: dict | None = None):
    timeline = complaint_timeline(complaint)
    open_step = next((s for s in timeline if s.is_open), None)
    bound = bound or {}
    action_forms = []
    actions = _actions_for(request.user, complaint, open_step)
    # A refused form stays on the page with its error even when its step is no longer open to the user.
    actions += [ACTIONS[name] for name in bound if ACTIONS[name] not in actions]
    for action in actions:
        form = bound.get(action.name) or action.form_class(
            initial=_initial(action, complaint, timeline), **_form_kwargs(action, complaint, open_step))
        action_forms.append({"action": action, "form": form,
                             "url": reverse(f"complaints:complaint_{action.name}", args=[complaint.pk])})
    context = {
        "complaint": complaint, "timeline": timeline, "open_step": open_step, "actions": action_forms,
        "progress": _progress(complaint),
        "overdue_answer": (complaint.answered_at is None and complaint.is_open
                           and complaint.answer_due_at < timezone.now()),
    }
    return render(request, "complaints/complaint_detail.html", context)


@never_cache
@login_required
@permission_required("complaints.view_complaint", raise_exception=True)
def complaint_detail(request, pk: int):
    return _detail(request, complaint_get_for_actor(actor=request.user, pk=pk))


@method_decorator(never_cache, name="dispatch")
class ComplaintStepView(LoginRequiredMixin, View):
    """POST one step of the work order (the subclasses name it); GET goes back to the work order."""

    action_name: str = ""

    def get(self, request, pk: int):
        return redirect("complaints:complaint_detail", pk=pk)

    def post(self, request, pk: int):
        action = ACTIONS[self.action_name]
        if not request.user.has_perm(action.perm):
            raise PermissionDenied
        complaint = complaint_get_for_actor(actor=request.user, pk=pk)
        open_step = complaint.steps.select_related("department").filter(closed_at__isnull=True).first()
        form = action.form_class(request.POST, **_form_kwargs(action, complaint, open_step))
        if form.is_valid():
            try:
                idempotent(actor=request.user, key=form.cleaned_data["idempotency_key"],
                           scope=f"complaints.{action.name}", params={"complaint": complaint.pk, **form.params()},
                           run=lambda: (200, {"id": action.call(actor=request.user, complaint=complaint,
                                                                data=form.cleaned_data).pk}))
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, action.done)
                return redirect("complaints:complaint_detail", pk=complaint.pk)
        return _detail(request, complaint, bound={action.name: form})


class ComplaintDispatchView(ComplaintStepView):
    action_name = "dispatch"


class ComplaintReplyView(ComplaintStepView):
    action_name = "reply"


class ComplaintPassDownView(ComplaintStepView):
    action_name = "pass_down"


class ComplaintReturnView(ComplaintStepView):
    action_name = "return"


class ComplaintAcceptView(ComplaintStepView):
    action_name = "accept"


class ComplaintRedispatchView(ComplaintStepView):
    action_name = "redispatch"


class ComplaintCallbackView(ComplaintStepView):
    action_name = "callback"

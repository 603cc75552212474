"""VPMN screens: the application list and one application's page, where each role does its step (the rep's
call-out and opening, the store manager's signature with their own password, the big-customer room's group
number and import)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_tables2 import SingleTableView

from boss.errors import DomainError
from boss.permissions import approver_authenticate, get_for_actor
from groups.models import VpmnApplication, VpmnCandidate
from groups.selectors import vpmn_applications_for_actor
from groups.services import vpmn_application_sign, vpmn_callout_record, vpmn_discounts_open, vpmn_group_issue
from groups.tables import VpmnApplicationTable


@method_decorator(never_cache, name="dispatch")
class VpmnListView(LoginRequiredMixin, PermissionRequiredMixin, SingleTableView):
    permission_required = "groups.view_vpmnapplication"
    template_name = "groups/vpmn_list.html"
    table_class = VpmnApplicationTable
    paginate_by = 50

    def get_queryset(self):
        return vpmn_applications_for_actor(actor=self.request.user).order_by("-id")


def _application(request, pk) -> VpmnApplication:
    return get_for_actor(vpmn_applications_for_actor(actor=request.user), request.user, pk=pk)


@never_cache
@login_required
@permission_required("groups.view_vpmnapplication", raise_exception=True)
def vpmn_detail(request, pk):
    application = _application(request, pk)
    candidates = list(application.candidates.select_related("called_by").order_by("id"))
    return render(request, "groups/vpmn_detail.html", {
        "application": application, "candidates": candidates, "callouts": VpmnCandidate.Callout.choices[1:],
        "documents": [VpmnApplication.Document(d).label for d in application.documents_checked
                      if d in VpmnApplication.Document.values]})


def _step(request, pk, run, done: str):
    application = _application(request, pk)
    try:
        run(application)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done % {"number": application.number})
    return redirect("groups:vpmn_detail", pk=pk)


@require_POST
@login_required
@permission_required("groups.accept_vpmn", raise_exception=True)
def vpmn_callout_view(request, pk):
    # The page names the number by its list entry (no full number in the HTML).
    candidate = request.POST.get("candidate", "")

    def run(app):
        msisdn = (app.candidates.filter(pk=int(candidate)).values_list("msisdn", flat=True).first()
                  if candidate.isdigit() else None)
        vpmn_callout_record(actor=request.user, application=app, msisdn=msisdn or "",
                            result=request.POST.get("result", ""))

    return _step(request, pk, run, _("%(number)s: the call is recorded."))


@require_POST
@login_required
@permission_required("groups.accept_vpmn", raise_exception=True)
def vpmn_sign_view(request, pk):
    def run(app):
        approver = approver_authenticate(request, username=request.POST.get("override_username", ""),
                                         password=request.POST.get("override_password", ""))
        vpmn_application_sign(actor=request.user, application=app, approver=approver)

    return _step(request, pk, run, _("%(number)s is signed and with the big-customer room."))


@require_POST
@login_required
@permission_required("groups.issue_vpmn", raise_exception=True)
def vpmn_issue_view(request, pk):
    return _step(request, pk, lambda app: vpmn_group_issue(actor=request.user, application=app),
                 _("%(number)s: group number issued, group imported, members notified by SMS."))


@require_POST
@login_required
@permission_required("groups.accept_vpmn", raise_exception=True)
def vpmn_open_view(request, pk):
    return _step(request, pk, lambda app: vpmn_discounts_open(actor=request.user, application=app),
                 _("%(number)s is open: the discount of every confirmed number is on its way to the network."))


@never_cache
@login_required
@permission_required("groups.issue_vpmn", raise_exception=True)
def vpmn_import_file(request, pk):
    application = _application(request, pk)
    response = HttpResponse(application.import_file, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{application.number}-import.csv"'
    return response

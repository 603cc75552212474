"""VPMN screens: the application list and one application's page, where each role does its step (the rep's
call-out and opening, the store manager's signature with their own password, the big-customer room's group
number and import)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from boss.errors import DomainError, InvalidInputError
from boss.forms import form_add_domain_error
from boss.lists import LazyListMixin
from boss.masking import mask_msisdn
from boss.pdf import pdf_response, render_pdf
from boss.permissions import approver_authenticate, get_for_actor
from customers.selectors import customer_get_for_actor
from groups.memberlist import member_rows_from_file, member_rows_from_text
from groups.models import GroupCustomer, VpmnApplication, VpmnCandidate, VpmnMember
from groups.selectors import vpmn_applications_for_actor
from groups.services import (
    vpmn_application_create,
    vpmn_application_sign,
    vpmn_callout_record,
    vpmn_discounts_open,
    vpmn_group_issue,
    vpmn_member_remove,
)
from groups.tables import VpmnApplicationTable


@method_decorator(never_cache, name="dispatch")
class VpmnListView(LoginRequiredMixin, PermissionRequiredMixin, LazyListMixin, ListView):
    permission_required = "groups.view_vpmnapplication"
    template_name = "groups/vpmn_list.html"
    table_class = VpmnApplicationTable

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


@never_cache
@login_required
@permission_required("groups.view_vpmnapplication", raise_exception=True)
def vpmn_agreement_pdf(request, pk):
    """The VPMN agreement with the member list (Chinese), for the group's seal and the store manager's signature;
    before the signature it says it is not signed yet."""
    from catalog.models import Discount
    from customers.models import CustomerIdentity
    from groups.services.vpmn import VPMN_DISCOUNT_CODE

    application = _application(request, pk)
    group = GroupCustomer.objects.select_related("customer").get(pk=application.group_id)
    pdf = render_pdf("groups/pdf/vpmn_agreement.html", {
        "application": application, "group": group,
        "identity": CustomerIdentity.objects.filter(pk=group.customer.identity_id).first(),
        "candidates": list(application.candidates.order_by("id")),
        "discount": Discount.objects.filter(code=VPMN_DISCOUNT_CODE).first(),
        "documents": [VpmnApplication.Document(d).label for d in application.documents_checked
                      if d in VpmnApplication.Document.values]})
    return pdf_response(pdf, f"{application.number}-agreement.pdf")


class VpmnApplicationForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=[("", "—")] + list(VpmnApplication.Kind.choices))
    agent = forms.BooleanField(label=gettext_lazy("an agent applies"), required=False)
    documents_checked = forms.MultipleChoiceField(
        label=gettext_lazy("documents checked"), choices=VpmnApplication.Document.choices,
        widget=forms.CheckboxSelectMultiple, required=False)
    members = forms.CharField(label=gettext_lazy("member list"), required=False,
                              widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=gettext_lazy("One mobile number a line; add \",是\" when the number's owner "
                                                     "consented. Or upload the list below."))
    member_file = forms.FileField(label=gettext_lazy("member list file (CSV or XLSX)"), required=False)


@never_cache
@login_required
@permission_required("groups.accept_vpmn", raise_exception=True)
def vpmn_new(request, customer_pk):
    """The designated counter's VPMN application (or member addition) for a group, from its 360 page."""
    customer = customer_get_for_actor(actor=request.user, pk=customer_pk)
    group = GroupCustomer.objects.filter(customer=customer).first()
    if group is None:
        raise Http404
    form = VpmnApplicationForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                upload = data["member_file"]
                rows = (member_rows_from_file(name=upload.name, content=upload.read()) if upload
                        else member_rows_from_text(data["members"]))
                application = vpmn_application_create(actor=request.user, group=group, rows=rows,
                                                      documents_checked=data["documents_checked"],
                                                      agent=data["agent"], kind=data["kind"])
            except DomainError as exc:
                status = exc.status
                form_add_domain_error(form, exc)
                for row in exc.params.get("rows") or ():
                    form.add_error("members", _("Row %(row)s (%(msisdn)s): %(reason)s") % row)
            else:
                messages.success(request, _("%(number)s is accepted: call every number on the list.")
                                 % {"number": application.number})
                return redirect("groups:vpmn_detail", pk=application.pk)
    return render(request, "groups/vpmn_new.html", {"customer": customer, "group": group, "form": form},
                  status=status)


@never_cache
@login_required
@permission_required("groups.accept_vpmn", raise_exception=True)
def vpmn_members(request, customer_pk):
    """The group's current VPMN members (numbers masked); the designated counter takes one out of the group
    (the discount ends with the month)."""
    customer = customer_get_for_actor(actor=request.user, pk=customer_pk)
    group = GroupCustomer.objects.filter(customer=customer).first()
    if group is None:
        raise Http404
    status, error = 200, None
    if request.method == "POST":
        member = VpmnMember.objects.filter(group=group, pk=request.POST.get("member") or 0,
                                           left_at__isnull=True).select_related("line").first()
        reason = request.POST.get("reason", "").strip()
        if member is None:
            raise Http404
        try:
            if not reason:
                raise InvalidInputError(_("Say why the number leaves the group."), field="reason")
            left = vpmn_member_remove(actor=request.user, member=member, reason=reason)
        except DomainError as exc:
            status, error = exc.status, (member.pk, str(exc.message))
        else:
            messages.success(request, _("%(msisdn)s leaves the group: the discount ends on %(until)s.")
                             % {"msisdn": mask_msisdn(member.line.msisdn), "until": left.until})
            return redirect("groups:vpmn_members", customer_pk=customer.pk)
    members = list(VpmnMember.objects.filter(group=group, left_at__isnull=True).select_related("line")
                   .order_by("id"))
    return render(request, "groups/vpmn_members.html", {"customer": customer, "group": group, "members": members,
                                                        "error": error}, status=status)

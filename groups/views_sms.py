"""Group screens: registering an organization as a group customer (from its 360 page); group SMS: the
counter's pre-acceptance form, the application list, one application's page where each room does its step,
the printed application (customer copy with the letter to the customer) and the opening notice."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from boss.errors import DomainError
from boss.forms import form_add_domain_error
from boss.lists import LazyListMixin
from boss.pdf import pdf_response, render_pdf
from boss.permissions import get_for_actor
from customers.selectors import customer_get_for_actor
from groups.memberlist import member_rows_from_text
from groups.models import GroupCustomer, GroupDocumentBatch, GroupSmsApplication
from groups.selectors import group_sms_applications_for_actor
from groups.services.batches import group_batch_sign_for
from groups.services.sms import (
    group_sms_application_create,
    group_sms_hand_over,
    group_sms_notice_send,
    group_sms_phone_confirm,
    group_sms_platform_build,
    group_sms_receive,
)
from groups.services.vpmn import group_customer_register
from groups.tables import GroupSmsApplicationTable

SD = GroupSmsApplication.Document


class GroupSmsForm(forms.Form):
    purpose = forms.CharField(label=gettext_lazy("what the messages are for"), max_length=200)
    government_body = forms.BooleanField(label=gettext_lazy("government body"), required=False)
    pays_cash = forms.BooleanField(label=gettext_lazy("pays in cash"), required=False)
    agent = forms.BooleanField(label=gettext_lazy("an agent applies"), required=False)
    documents_checked = forms.MultipleChoiceField(label=gettext_lazy("documents checked"), choices=SD.choices,
                                                  widget=forms.CheckboxSelectMultiple, required=False)
    letter_seal_checked = forms.BooleanField(label=gettext_lazy("official seal on the letter checked"),
                                             required=False)
    cluster_network = forms.BooleanField(label=gettext_lazy("cluster-network tariff"), required=False)
    members = forms.CharField(label=gettext_lazy("cluster-network numbers"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=gettext_lazy("One mobile number a line; only for the cluster-network tariff."))


@never_cache
@login_required
@permission_required("groups.accept_group_sms", raise_exception=True)
def group_sms_new(request, customer_pk):
    customer = customer_get_for_actor(actor=request.user, pk=customer_pk)
    form = GroupSmsForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            members = data.pop("members")
            try:
                rows = member_rows_from_text(members) if data["cluster_network"] and members.strip() else []
                application = group_sms_application_create(actor=request.user, customer=customer, rows=rows, **data)
            except DomainError as exc:
                form_add_domain_error(form, exc)
                if exc.params.get("rows"):
                    for row in exc.params["rows"]:
                        form.add_error("members", _("Row %(row)s (%(msisdn)s): %(reason)s") % row)
            else:
                messages.success(request, _("%(number)s is pre-accepted: hand the original to the big-customer "
                                            "room today.") % {"number": application.number})
                return redirect("groups:sms_detail", pk=application.pk)
        status = 400
    return render(request, "groups/sms_new.html", {"customer": customer, "form": form}, status=status)


@method_decorator(never_cache, name="dispatch")
class GroupSmsListView(LoginRequiredMixin, PermissionRequiredMixin, LazyListMixin, ListView):
    permission_required = "groups.view_groupsmsapplication"
    template_name = "groups/sms_list.html"
    table_class = GroupSmsApplicationTable

    def get_queryset(self):
        return group_sms_applications_for_actor(actor=self.request.user).order_by("-id")


def _application(request, pk) -> GroupSmsApplication:
    return get_for_actor(group_sms_applications_for_actor(actor=request.user), request.user, pk=pk)


def _detail(request, application, *, password: str | None = None, status: int = 200, errors=None):
    return render(request, "groups/sms_detail.html", {
        "application": application, "members": list(application.members.all()), "password": password,
        "errors": errors or {},
        "documents": [SD(d).label for d in application.documents_checked if d in SD.values],
        "overdue": application.state == GroupSmsApplication.State.ACCEPTED and (
            application.handover_overdue_at is not None
            or timezone.localdate(application.created_at) < timezone.localdate())}, status=status)


@never_cache
@login_required
@permission_required("groups.view_groupsmsapplication", raise_exception=True)
def group_sms_detail(request, pk):
    return _detail(request, _application(request, pk))


def _step(request, pk, run, done: str, field: str = "step"):
    application = _application(request, pk)
    try:
        run(application)
    except DomainError as exc:
        application.refresh_from_db()
        return _detail(request, application, status=exc.status, errors={field: str(exc.message)})
    messages.success(request, done % {"number": application.number})
    return redirect("groups:sms_detail", pk=pk)


@require_POST
@login_required
@permission_required("groups.accept_group_sms", raise_exception=True)
def group_sms_hand_over_view(request, pk):
    return _step(request, pk, lambda app: group_sms_hand_over(actor=request.user, application=app),
                 _("%(number)s is handed over to the big-customer room."))


@require_POST
@login_required
@permission_required("groups.handle_group_sms", raise_exception=True)
def group_sms_receive_view(request, pk):
    return _step(request, pk, lambda app: group_sms_receive(actor=request.user, application=app),
                 _("%(number)s is received and with the data-business room."))


@require_POST
@never_cache
@login_required
@permission_required("groups.build_group_sms_platform", raise_exception=True)
def group_sms_platform_view(request, pk):
    """The password is shown on this one answer and never again (it is stored hashed only)."""
    application = _application(request, pk)
    try:
        application, password = group_sms_platform_build(actor=request.user, application=application,
                                                         account=request.POST.get("platform_account", ""))
    except DomainError as exc:
        application.refresh_from_db()
        return _detail(request, application, status=exc.status, errors={"platform_account": str(exc.message)})
    return _detail(request, application, password=password)


@require_POST
@login_required
@permission_required("groups.handle_group_sms", raise_exception=True)
def group_sms_notice_view(request, pk):
    return _step(request, pk, lambda app: group_sms_notice_send(
        actor=request.user, application=app, registered_mail_number=request.POST.get("registered_mail_number", "")),
        _("%(number)s: the opening notice is mailed."), field="registered_mail_number")


@require_POST
@login_required
@permission_required("groups.handle_group_sms", raise_exception=True)
def group_sms_confirm_view(request, pk):
    return _step(request, pk, lambda app: group_sms_phone_confirm(
        actor=request.user, application=app, note=request.POST.get("confirmation_note", "")),
        _("%(number)s is open."), field="confirmation_note")


@never_cache
@login_required
@permission_required("groups.view_groupsmsapplication", raise_exception=True)
def group_sms_application_pdf(request, pk):
    """The customer's copy of the application and the letter to the customer (the original goes to the room)."""
    application = _application(request, pk)
    pdf = render_pdf("groups/pdf/sms_application.html", {
        "application": application, "members": list(application.members.all()),
        "documents": [SD(d).label for d in application.documents_checked if d in SD.values]})
    return pdf_response(pdf, f"{application.number}.pdf")


@never_cache
@login_required
@permission_required("groups.handle_group_sms", raise_exception=True)
def group_sms_notice_pdf(request, pk):
    """The opening notice with the service centre's seal, once the platform account exists."""
    application = _application(request, pk)
    if not application.platform_account:
        messages.error(request, _("The opening notice is made once the platform account exists."))
        return redirect("groups:sms_detail", pk=pk)
    pdf = render_pdf("groups/pdf/sms_opening_notice.html", {"application": application,
                                                            "today": timezone.localdate()})
    return pdf_response(pdf, f"{application.number}-notice.pdf")


class GroupRegisterForm(forms.Form):
    key_contact_name = forms.CharField(label=gettext_lazy("key contact"), max_length=100)
    key_contact_phone = forms.CharField(label=gettext_lazy("key contact's phone"), max_length=20)
    level = forms.ChoiceField(label=gettext_lazy("group level"),
                              choices=[("", "—")] + list(GroupCustomer.Level.choices))


@never_cache
@login_required
@permission_required("groups.add_groupcustomer", raise_exception=True)
def group_register(request, customer_pk):
    """Make an organization a group customer (from its 360 page); the group number comes from the room."""
    customer = customer_get_for_actor(actor=request.user, pk=customer_pk)
    form = GroupRegisterForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                group_customer_register(actor=request.user, customer=customer, **form.cleaned_data)
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Registered as a group customer."))
                return redirect("customers:detail", pk=customer.pk)
        status = 400
    return render(request, "groups/group_register.html", {"customer": customer, "form": form}, status=status)


@require_POST
@login_required
def group_batch_sign_for_view(request, pk):
    """The big-customer room signs for a batch of group paperwork (from its home screen); anyone else gets 403,
    as from the API."""
    if not (request.user.has_perm("groups.issue_vpmn") or request.user.has_perm("groups.handle_group_sms")):
        raise PermissionDenied
    batch = get_object_or_404(GroupDocumentBatch, pk=pk)
    try:
        group_batch_sign_for(actor=request.user, batch=batch)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("home")
    messages.success(request, _("Signed for: %(batch)s.") % {"batch": batch})
    return redirect("home")

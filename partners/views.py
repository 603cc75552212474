"""Partner screens (process 13): the registry, a partner's page (halls, keys, interface-number history,
blacklist imports and API calls), its forms, and the joint blacklist as received."""

import csv
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_filters.views import FilterView

from boss.audit import audit_list_for_target, audit_record
from boss.errors import DomainError
from boss.forms import form_add_domain_error
from boss.labels import action_label
from boss.lists import LazyListMixin
from boss.pdf import pdf_response, render_pdf
from partners.commissions import commission_statement, statement_xlsx
from partners.filtersets import BlacklistEntryFilterSet, PartnerFilterSet
from partners.forms import (
    BlacklistUploadForm,
    DisputeForm,
    DisputeResolveForm,
    HallLinkForm,
    KeyIssueForm,
    PartnerForm,
    ReasonForm,
)
from partners.hashing import identity_hash
from partners.models import BlacklistEntry, CommissionDispute, Partner, PartnerHall, PartnerKey
from partners.selectors import (
    actor_sees_all_partners,
    partner_get_for_actor,
    partner_list_for_actor,
    published_blacklist,
)
from partners.services import (
    blacklist_file_import,
    partner_create,
    partner_delete,
    partner_hall_link,
    partner_hall_unlink,
    partner_key_issue,
    partner_key_revoke,
    partner_key_rotate,
    partner_resume,
    partner_suspend,
    partner_update,
)
from partners.services.disputes import commission_dispute_open, commission_dispute_resolve
from partners.services.keys import KeyRefusal, key_is_usable
from partners.tables import BlacklistEntryTable, PartnerTable


def _event_details(event) -> str:
    after = event.after or {}
    if event.action == "partner.api_call":
        return f"{after.get('method', '')} {after.get('path', '')} → {after.get('status', '')}"
    if event.action == "partner.api_refused":
        refusal = after.get("refusal", "")
        why = KeyRefusal(refusal).label if refusal in KeyRefusal.values else ""
        return f"{after.get('method', '')} {after.get('path', '')} {after.get('key', '')}: {why}"
    if event.action == "partner.blacklist_import":
        return _("%(created)s added, %(updated)s corrected, %(removed)s removed, %(unchanged)s unchanged, "
                 "%(refused)s refused") % {k: after.get(k, 0) for k in
                                           ("created", "updated", "removed", "unchanged", "refused")}
    if event.action in ("partner.key_issue", "partner.key_revoke", "partner.key_rotate"):
        return " ".join(str(after.get(k, "")) for k in ("key", "old", "new") if after.get(k)) + (
            f" {event.reason}" if event.reason else "")
    return event.reason


_DATA = ("name", "category", "contact_name", "contact_phone", "receives_blacklist")


class PartnerListView(LoginRequiredMixin, PermissionRequiredMixin, LazyListMixin, FilterView):
    permission_required = "partners.view_partner"
    template_name = "partners/partner_list.html"
    table_class = PartnerTable
    filterset_class = PartnerFilterSet

    def get_queryset(self):
        return partner_list_for_actor(actor=self.request.user).order_by("interface_number")


@login_required
@permission_required("partners.view_partner", raise_exception=True)
def partner_detail(request, pk: int):
    partner = partner_get_for_actor(actor=request.user, pk=pk)
    keys = list(PartnerKey.objects.filter(partner=partner).select_related("created_by", "revoked_by"))
    events = list(audit_list_for_target(partner).select_related("actor").order_by("-id")[:15])
    for event in events:
        event.label = action_label(event.action)
        event.details = _event_details(event)
    for key in keys:
        key.scope_labels = [PartnerKey.Scope(s).label for s in key.scopes if s in PartnerKey.Scope.values]
        key.partner = partner
        key.usable = key_is_usable(key)
    return render(request, "partners/partner_detail.html", {
        "partner": partner, "keys": keys,
        "halls": partner.halls.select_related("hall").order_by("hall__code"),
        "number_changes": partner.number_changes.select_related("changed_by")[:20],
        "imports": partner.blacklist_imports.select_related("created_by")[:10],
        "events": events,
        "may_manage": request.user.has_perm("partners.manage_partner") and actor_sees_all_partners(request.user),
        "new_key": request.session.pop("partner_new_key", None),
        "last_month": (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m"),
    })


def _manage(view):
    return login_required(permission_required("partners.manage_partner", raise_exception=True)(never_cache(view)))


@_manage
def partner_create_view(request):
    form = PartnerForm(request.POST or None)
    form.fields["reason"].widget = form.fields["reason"].hidden_widget()
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        try:
            partner = partner_create(actor=request.user, **data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Partner added."))
            return redirect("partners:partner_detail", pk=partner.pk)
    return render(request, "partners/partner_form.html", {"form": form, "partner": None},
                  status=400 if form.errors else 200)


@_manage
def partner_edit_view(request, pk: int):
    partner = partner_get_for_actor(actor=request.user, pk=pk)
    initial = {f: getattr(partner, f) for f in (*_DATA, "interface_number")}
    form = PartnerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            partner_update(actor=request.user, partner=partner, interface_number=data["interface_number"],
                           reason=data["reason"], **{f: data[f] for f in _DATA})
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Partner saved."))
            return redirect("partners:partner_detail", pk=partner.pk)
    return render(request, "partners/partner_form.html", {"form": form, "partner": partner},
                  status=400 if form.errors else 200)


def _partner_form(request, partner, form, *, title, run, multipart: bool = False):
    """A short form about a partner: on a valid POST `run(cleaned_data)` calls the service and returns
    where to go next; a refusal is shown at the form (400) and nothing is written."""
    if request.method == "POST" and form.is_valid():
        try:
            return run(form.cleaned_data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
    return render(request, "partners/partner_reason.html",
                  {"form": form, "partner": partner, "title": title, "multipart": multipart},
                  status=400 if form.errors else 200)


def _to_partner(partner):
    return redirect("partners:partner_detail", pk=partner.pk)


_STATUS_ACTIONS = {
    "suspend": (partner_suspend, gettext_lazy("Suspend partner"),
                gettext_lazy("Partner suspended; its keys are refused.")),
    "resume": (partner_resume, gettext_lazy("Resume partner"), gettext_lazy("Partner active again.")),
    "delete": (partner_delete, gettext_lazy("Delete partner"), gettext_lazy("Partner deleted.")),
}


@_manage
def partner_status_view(request, pk: int, action: str):
    partner = partner_get_for_actor(actor=request.user, pk=pk)
    service, title, done = _STATUS_ACTIONS[action]

    def run(data):
        service(actor=request.user, partner=partner, reason=data["reason"])
        messages.success(request, str(done))
        return redirect("partners:partner_list") if action == "delete" else _to_partner(partner)

    return _partner_form(request, partner, ReasonForm(request.POST or None), title=title, run=run)


@_manage
def partner_hall_view(request, pk: int):
    partner = partner_get_for_actor(actor=request.user, pk=pk)

    def run(data):
        partner_hall_link(actor=request.user, partner=partner, hall=data["hall"])
        messages.success(request, _("Agent hall linked."))
        return _to_partner(partner)

    return _partner_form(request, partner, HallLinkForm(request.POST or None), title=_("Link an agent hall"),
                         run=run)


@_manage
def partner_hall_unlink_view(request, pk: int, hall_pk: int):
    partner = partner_get_for_actor(actor=request.user, pk=pk)
    link = get_object_or_404(PartnerHall.objects.select_related("hall"), partner=partner, hall_id=hall_pk)

    def run(data):
        partner_hall_unlink(actor=request.user, partner=partner, hall=link.hall, reason=data["reason"])
        messages.success(request, _("Agent hall unlinked."))
        return _to_partner(partner)

    return _partner_form(request, partner, ReasonForm(request.POST or None),
                         title=_("Unlink agent hall %(hall)s") % {"hall": link.hall.name}, run=run)


@_manage
def key_issue_view(request, pk: int):
    partner = partner_get_for_actor(actor=request.user, pk=pk)

    def run(data):
        _key, raw = partner_key_issue(actor=request.user, partner=partner, **data)
        request.session["partner_new_key"] = raw   # shown once on the next page, then gone
        return _to_partner(partner)

    return _partner_form(request, partner, KeyIssueForm(request.POST or None), title=_("Issue an API key"), run=run)


@require_POST
@_manage
def key_rotate_view(request, pk: int, key_pk: int):
    partner = partner_get_for_actor(actor=request.user, pk=pk)
    key = get_object_or_404(PartnerKey, partner=partner, pk=key_pk)
    try:
        _new, raw = partner_key_rotate(actor=request.user, key=key)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        request.session["partner_new_key"] = raw
    return _to_partner(partner)


@_manage
def key_revoke_view(request, pk: int, key_pk: int):
    partner = partner_get_for_actor(actor=request.user, pk=pk)
    key = get_object_or_404(PartnerKey, partner=partner, pk=key_pk)

    def run(data):
        partner_key_revoke(actor=request.user, key=key, reason=data["reason"])
        messages.success(request, _("Key revoked; it is refused from now on."))
        return _to_partner(partner)

    return _partner_form(request, partner, ReasonForm(request.POST or None),
                         title=_("Revoke key %(prefix)s") % {"prefix": key.prefix}, run=run)


@_manage
def blacklist_upload_view(request, pk: int):
    partner = partner_get_for_actor(actor=request.user, pk=pk)

    def run(data):
        upload = data["file"]
        batch = blacklist_file_import(actor=request.user, partner=partner, content=upload.read(),
                                      file_name=upload.name)
        messages.success(request, _("File read: %(created)s added, %(updated)s corrected, %(removed)s removed, "
                                    "%(unchanged)s unchanged, %(refused)s refused.") % {
            "created": batch.created, "updated": batch.updated, "removed": batch.removed,
            "unchanged": batch.unchanged, "refused": len(batch.errors)})
        return _to_partner(partner)

    return _partner_form(request, partner, BlacklistUploadForm(request.POST or None, request.FILES or None),
                         title=_("Upload a blacklist file"), run=run, multipart=True)


@_manage
def blacklist_published_csv(request, pk: int):
    """Our blacklist as a file for a partner whose agreement allows it (the same rows as the partner API's
    GET /api/v1/partner/blacklist: document type, number hashed with the exchange's key, since, until,
    in force or removed), for partners that take a file instead of calling the API. Audited: it leaves
    the house."""
    partner = partner_get_for_actor(actor=request.user, pk=pk)
    if not partner.receives_blacklist or partner.status != Partner.Status.ACTIVE:
        raise PermissionDenied
    today = timezone.localdate()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, f"blacklist-{partner.interface_number}-{today:%Y%m%d}.csv")
    writer = csv.writer(response)
    writer.writerow(["identity_type", "number_hash", "since", "until", "status"])
    count = 0
    for c in published_blacklist():
        active = c.revoked_at is None and (c.until is None or c.until >= today)
        writer.writerow([c.customer.identity.doc_type,
                         identity_hash(c.customer.identity.doc_type, c.customer.identity.number),
                         c.since.isoformat() if c.since else "", c.until.isoformat() if c.until else "",
                         "active" if active else "removed"])
        count += 1
    audit_record(actor=request.user, action="partner.blacklist_export", target=partner,
                 after={"interface_number": partner.interface_number, "rows": count})
    return response


class BlacklistListView(LoginRequiredMixin, PermissionRequiredMixin, LazyListMixin, FilterView):
    permission_required = "partners.view_blacklistentry"
    template_name = "partners/blacklist_list.html"
    table_class = BlacklistEntryTable
    filterset_class = BlacklistEntryFilterSet

    def get_queryset(self):
        return BlacklistEntry.objects.select_related("partner").order_by("-updated_at", "-id")


def _statement(request, pk: int, month: str):
    partner = partner_get_for_actor(actor=request.user, pk=pk)
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        raise Http404 from None
    return commission_statement(partner=partner, month=first)


@login_required
@permission_required("partners.view_partner", raise_exception=True)
def statement_view(request, pk: int, month: str):
    statement = _statement(request, pk, month)
    return _statement_page(request, statement)


def _statement_page(request, statement, *, dispute_form=None, resolve_form=None, resolving=None):
    halls = list(statement.partner.halls.select_related("hall").order_by("hall__code"))
    for dispute in statement.disputes:   # one form per open dispute, the refused one as it was typed
        dispute.resolve_form = (resolve_form if dispute.pk == resolving
                                else DisputeResolveForm(prefix=f"d{dispute.pk}"))
    return render(request, "partners/statement.html", {
        "statement": statement, "partner": statement.partner, "screen": True,
        "dispute_form": dispute_form or DisputeForm(halls=halls),
        "can_resolve": request.user.has_perm("partners.resolve_commissiondispute"),
    }, status=400 if (dispute_form and dispute_form.errors) or (resolve_form and resolve_form.errors) else 200)


@login_required
@permission_required("partners.view_partner", raise_exception=True)
@require_POST
def dispute_open_view(request, pk: int, month: str):
    statement = _statement(request, pk, month)
    halls = list(statement.partner.halls.select_related("hall").order_by("hall__code"))
    form = DisputeForm(request.POST, halls=halls)
    if form.is_valid():
        data = form.cleaned_data
        hall = next((link.hall for link in halls if str(link.hall_id) == data["hall"]), None)
        try:
            commission_dispute_open(actor=request.user, partner=statement.partner, month=statement.month,
                                    amount=data["amount"], description=data["description"], hall=hall)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("The dispute is recorded on the statement."))
            return redirect("partners:statement", pk=statement.partner.pk, month=month)
    return _statement_page(request, statement, dispute_form=form)


@login_required
@permission_required("partners.resolve_commissiondispute", raise_exception=True)
@require_POST
def dispute_resolve_view(request, pk: int, dispute_pk: int):
    partner = partner_get_for_actor(actor=request.user, pk=pk)
    dispute = get_object_or_404(CommissionDispute, partner=partner, pk=dispute_pk)
    month = f"{dispute.month:%Y-%m}"
    form = DisputeResolveForm(request.POST, prefix=f"d{dispute.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            commission_dispute_resolve(actor=request.user, dispute=dispute, outcome=data["outcome"],
                                       adjustment=data["adjustment"], resolution=data["resolution"])
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("The dispute is resolved; the statement shows its adjustment."))
            return redirect("partners:statement", pk=partner.pk, month=month)
    return _statement_page(request, _statement(request, pk, month), resolve_form=form, resolving=dispute.pk)


@login_required
@permission_required("partners.view_partner", raise_exception=True)
def statement_pdf(request, pk: int, month: str):
    statement = _statement(request, pk, month)
    pdf = render_pdf("partners/statement_pdf.html", {"statement": statement, "printed_at": timezone.now(),
                                                     "printed_by": request.user})
    return pdf_response(pdf, f"commission-{statement.partner.interface_number}-{month}.pdf")


@login_required
@permission_required("partners.view_partner", raise_exception=True)
def statement_xlsx_view(request, pk: int, month: str):
    statement = _statement(request, pk, month)
    response = HttpResponse(statement_xlsx(statement), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = content_disposition_header(
        True, f"commission-{statement.partner.interface_number}-{month}.xlsx")
    return response

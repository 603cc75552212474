"""Bulk exports of personal data (boss.exports): ask with a reason, a second person approves, the requester
downloads once."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from boss.errors import DomainError
from boss.exports import export_decide, export_download, export_request, exporter_get
from boss.models import ExportRequest
from boss.permissions import restrict_to_actor


def _visible(user):
    """The user's own requests; an approver also sees the requests of their scope (their hall, or all)."""
    qs = ExportRequest.objects.select_related("requested_by", "decided_by")
    if user.has_perm("boss.approve_export"):
        return qs.filter(Q(requested_by=user) | Q(pk__in=restrict_to_actor(qs, user).values("pk")))
    return qs.filter(requested_by=user)


@never_cache
@login_required
def export_list(request):
    rows = [(r, exporter_get(r.kind).label) for r in _visible(request.user)[:100]]
    return render(request, "boss/export_list.html", {"rows": rows})


@require_POST
@login_required
def export_new(request):
    params = {k[2:]: v for k, v in request.POST.items() if k.startswith("f_")}
    try:
        req = export_request(actor=request.user, kind=request.POST.get("kind", ""),
                             reason=request.POST.get("reason", ""), params=params)
    except DomainError as exc:
        messages.error(request, exc.message)
        back = request.POST.get("back", "")
        safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure())
        return redirect(back if back and safe else "exports")
    messages.success(request, _("Export requested (#%(pk)s): a colleague who may approve exports approves it, then "
                                "you download it here.") % {"pk": req.pk})
    return redirect("exports")


@require_POST
@login_required
def export_decide_view(request, pk: int):
    req = _visible(request.user).filter(pk=pk).first()
    if req is None:
        raise Http404
    try:
        export_decide(actor=request.user, request=req, approve=request.POST.get("decision") == "approve",
                      note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("exports")


@require_POST
@login_required
def export_download_view(request, pk: int):
    req = ExportRequest.objects.filter(pk=pk, requested_by=request.user).first()
    if req is None:
        raise Http404
    try:
        text = export_download(actor=request.user, request=req)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("exports")
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="export-{req.pk}.csv"'
    response["Cache-Control"] = "no-store"
    return response

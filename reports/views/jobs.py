"""Long reports prepared in the background (reports.jobs): ask (POST, from the report screen), watch the
progress on the same screen (htmx polling, no reload) and download the file when it is ready. A user sees
and downloads only their own jobs (another's is 404)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from boss.audit import audit_record
from reports.forms import ReportFilterForm
from reports.jobs import report_job_for, report_job_request, report_jobs_of
from reports.models import ReportJob

CONTENT_TYPES = {
    ReportJob.Format.PDF: "application/pdf",
    ReportJob.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportJob.Format.CSV: "text/csv; charset=utf-8",
}


def _panel(request, jobs, poll_url: str):
    return render(request, "reports/_report_jobs.html", jobs_context(jobs, poll_url))


def jobs_context(jobs, poll_url: str) -> dict:
    return {"jobs": jobs, "poll_url": poll_url, "polling": any(job.in_progress for job in jobs)}


@never_cache
@login_required
@permission_required("reports.view_reports", raise_exception=True)
@require_POST
def job_create(request):
    """Ask for the report's file; htmx gets the user's files panel back, a plain form the job's page."""
    form = ReportFilterForm(request.POST, actor=request.user)
    fmt = request.POST.get("fmt", "")
    if fmt not in ReportJob.Format.values:
        form.add_error(None, _("Choose the file format."))
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    f = form.cleaned_data
    job = report_job_request(actor=request.user, fmt=fmt, date_from=f["date_from"], date_to=f["date_to"],
                             hall=f["hall"], staff=f["staff"])
    if request.htmx:
        return _panel(request, report_jobs_of(request.user), reverse("reports:jobs"))
    return redirect("reports:job_detail", pk=job.pk)


@never_cache
@login_required
@permission_required("reports.view_reports", raise_exception=True)
def jobs_panel(request):
    """The user's latest report files (what the report screen polls while one is being prepared)."""
    return _panel(request, report_jobs_of(request.user), reverse("reports:jobs"))


@never_cache
@login_required
@permission_required("reports.view_reports", raise_exception=True)
def job_detail(request, pk: int):
    job = report_job_for(request.user, pk)
    if job is None:
        raise Http404
    poll_url = reverse("reports:job_detail", args=[job.pk])
    if request.htmx:
        return _panel(request, [job], poll_url)
    return render(request, "reports/report_job.html", jobs_context([job], poll_url))


@never_cache
@login_required
@permission_required("reports.view_reports", raise_exception=True)
def job_download(request, pk: int):
    job = report_job_for(request.user, pk)
    if job is None or job.status != ReportJob.Status.DONE:
        raise Http404
    content = ReportJob.objects.values_list("content", flat=True).get(pk=job.pk)
    audit_record(actor=request.user, action="report.download", target=None,
                 after={"report": "business", "job": job.pk, "file": job.file_name})
    response = HttpResponse(bytes(content), content_type=CONTENT_TYPES[job.fmt])
    inline = job.fmt == ReportJob.Format.PDF
    response["Content-Disposition"] = content_disposition_header(not inline, job.file_name)
    response["Cache-Control"] = "no-store"
    return response

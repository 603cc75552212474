"""The business report: screen (with ECharts charts), CSV, XLSX and PDF (pygal charts). Every access is
audited (who looked at or printed what)."""


from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache

from boss.audit import audit_record
from boss.pdf import pdf_response
from reports.business import (
    BusinessReport,
    business_report,
    chart_data,
    report_csv,
    report_file_name,
    report_pdf,
    report_xlsx,
)
from reports.forms import ReportFilterForm
from reports.jobs import report_is_long, report_jobs_of
from reports.views.jobs import jobs_context


def _report(request, export: str) -> tuple[ReportFilterForm, BusinessReport | None]:
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("date_from", today.replace(day=1).isoformat())
    data.setdefault("date_to", today.isoformat())
    form = ReportFilterForm(data, actor=request.user)
    if not form.is_valid():
        return form, None
    f = form.cleaned_data
    report = business_report(actor=request.user, date_from=f["date_from"], date_to=f["date_to"], hall=f["hall"],
                             staff=f["staff"])
    audit_record(actor=request.user, action=f"report.{export}", target=report.hall,
                 after={"report": "business", "from": f["date_from"].isoformat(), "to": f["date_to"].isoformat(),
                        "hall": report.hall.code if report.hall else "",
                        "staff": f["staff"].pk if f["staff"] else None})
    return form, report


@never_cache
@login_required
@permission_required("reports.view_reports", raise_exception=True)
def business_view(request):
    form, report = _report(request, "view")
    context = {"form": form, "report": report, "charts": chart_data(report) if report else None,
               "query": request.GET.urlencode(),
               "long": report is not None and report_is_long(date_from=report.scope.date_from,
                                                              date_to=report.scope.date_to),
               "filters": [(name, form.data.get(name, "")) for name in form.fields],
               **jobs_context(report_jobs_of(request.user), reverse("reports:jobs"))}
    return render(request, "reports/business.html", context)


def _bad(form) -> HttpResponse:
    errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
    return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")


EXPORTS = {
    "csv": (report_csv, "text/csv; charset=utf-8"),
    "xlsx": (report_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@never_cache
@login_required
@permission_required("reports.view_reports", raise_exception=True)
def business_export(request, fmt: str):
    """The report as CSV or XLSX (`fmt` comes from the URL pattern)."""
    form, report = _report(request, "export")
    if report is None:
        return _bad(form)
    make, content_type = EXPORTS[fmt]
    response = HttpResponse(make(report), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, report_file_name(report, fmt))
    return response


@never_cache
@login_required
@permission_required("reports.view_reports", raise_exception=True)
def business_pdf(request):
    form, report = _report(request, "print")
    if report is None:
        return _bad(form)
    pdf = report_pdf(report, printed_by=request.user)
    return pdf_response(pdf, report_file_name(report, "pdf"))



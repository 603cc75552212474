"""The business report: screen (with ECharts charts), CSV, XLSX and PDF (pygal charts). Every access is
audited (who looked at or printed what)."""


from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from boss.audit import audit_record
from boss.pdf import pdf_response, render_pdf
from reports.business import BusinessReport, business_report, report_csv, report_xlsx
from reports.charts import bar_svg, data_uri, line_svg, pie_svg
from reports.forms import ReportFilterForm


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


def chart_data(report: BusinessReport) -> dict:
    """What the screen's charts draw (json_script): labels and values, no codes."""
    waits = [r for r in report.queue.by_hour if r.avg_wait_minutes is not None]
    return {
        "kinds": {"labels": [r.label for r in report.by_kind], "values": [r.count for r in report.by_kind]},
        "period": {"labels": [r.label for r in report.by_period], "values": [r.count for r in report.by_period]},
        "revenue": [{"name": r.label, "value": float(r.amount)} for r in report.revenue if r.amount > 0],
        "queue": {"labels": [r.label for r in waits], "values": [float(r.avg_wait_minutes) for r in waits]},
        "titles": {"kinds": _("Business volume by type"), "period": _("Business volume by month") if report.monthly
                   else _("Business volume by day"), "revenue": _("Revenue by fee type"),
                   "queue": _("Average wait by hour taken (min)")},
    }


@never_cache
@login_required
@permission_required("reports.view_reports", raise_exception=True)
def business_view(request):
    form, report = _report(request, "view")
    context = {"form": form, "report": report, "charts": chart_data(report) if report else None,
               "query": request.GET.urlencode()}
    return render(request, "reports/business.html", context)


def _name(report: BusinessReport, ext: str) -> str:
    s = report.scope
    where = report.hall.code if report.hall else "all"
    return f"yewu-{where}-{s.date_from:%Y%m%d}-{s.date_to:%Y%m%d}.{ext}"


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
    response["Content-Disposition"] = content_disposition_header(True, _name(report, fmt))
    return response


@never_cache
@login_required
@permission_required("reports.view_reports", raise_exception=True)
def business_pdf(request):
    form, report = _report(request, "print")
    if report is None:
        return _bad(form)
    charts = chart_data(report)
    images = {
        "kinds": data_uri(bar_svg(charts["titles"]["kinds"], charts["kinds"]["labels"], charts["kinds"]["values"]))
        if report.by_kind else None,
        "period": data_uri(line_svg(charts["titles"]["period"], charts["period"]["labels"],
                                    charts["period"]["values"])) if len(report.by_period) > 1 else None,
        "queue": data_uri(bar_svg(charts["titles"]["queue"], charts["queue"]["labels"], charts["queue"]["values"],
                                  horizontal=False)) if charts["queue"]["labels"] else None,
        "revenue": data_uri(pie_svg(charts["titles"]["revenue"], [r["name"] for r in charts["revenue"]],
                                    [r["value"] for r in charts["revenue"]])) if charts["revenue"] else None,
    }
    pdf = render_pdf("reports/business_pdf.html", {"report": report, "images": images, "now": timezone.localtime(),
                                                   "printed_by": request.user})
    return pdf_response(pdf, _name(report, "pdf"))



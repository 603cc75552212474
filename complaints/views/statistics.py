"""Complaint statistics for managers: the screen, the CSV and XLSX exports and the printable PDF (with charts)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from boss.forms import period_from_request
from complaints.figures import (
    complaint_statistics,
    statistics_chart_specs,
    statistics_charts,
    statistics_csv,
    statistics_xlsx,
)
from complaints.pdf import render_pdf

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _stats(request):
    form, date_from, date_to = period_from_request(request)
    return form, complaint_statistics(actor=request.user, date_from=date_from, date_to=date_to)


@never_cache
@login_required
@permission_required("complaints.view_complaint_statistics", raise_exception=True)
def statistics_view(request):
    form, stats = _stats(request)
    return render(request, "complaints/statistics.html", {"form": form, "stats": stats,
                                                          "chart_specs": statistics_chart_specs(stats),
                                                          "query": request.GET.urlencode()})


@never_cache
@login_required
@permission_required("complaints.view_complaint_statistics", raise_exception=True)
def statistics_csv_view(request):
    _form, stats = _stats(request)
    response = HttpResponse(statistics_csv(stats), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="complaints-{stats.date_from:%Y%m%d}-'
                                       f'{stats.date_to:%Y%m%d}.csv"')
    return response


@never_cache
@login_required
@permission_required("complaints.view_complaint_statistics", raise_exception=True)
def statistics_xlsx_view(request):
    _form, stats = _stats(request)
    response = HttpResponse(statistics_xlsx(stats), content_type=XLSX)
    response["Content-Disposition"] = (f'attachment; filename="complaints-{stats.date_from:%Y%m%d}-'
                                       f'{stats.date_to:%Y%m%d}.xlsx"')
    return response


@never_cache
@login_required
@permission_required("complaints.view_complaint_statistics", raise_exception=True)
def statistics_pdf_view(request):
    _form, stats = _stats(request)
    pdf = render_pdf("complaints/statistics_pdf.html", {"stats": stats, "charts": statistics_charts(stats),
                                                         "printed_at": timezone.localtime(),
                                                         "printed_by": request.user}, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (f'inline; filename="complaints-{stats.date_from:%Y%m%d}-'
                                       f'{stats.date_to:%Y%m%d}.pdf"')
    return response

from django.urls import path

from reports.views import business, close, jobs, plan

app_name = "reports"

urlpatterns = [
    path("drawer/close/", close.drawer_close_view, name="drawer_close"),
    path("day/", close.hall_day_view, name="hall_day"),
    path("day/report.pdf", close.day_report_pdf, name="day_report_pdf"),
    path("business/", business.business_view, name="business"),
    path("business.csv", business.business_export, {"fmt": "csv"}, name="business_csv"),
    path("business.xlsx", business.business_export, {"fmt": "xlsx"}, name="business_xlsx"),
    path("business.pdf", business.business_pdf, name="business_pdf"),
    path("business/files/", jobs.job_create, name="job_create"),
    path("files/", jobs.jobs_panel, name="jobs"),
    path("files/<int:pk>/", jobs.job_detail, name="job_detail"),
    path("files/<int:pk>/download", jobs.job_download, name="job_download"),
    path("month-plan/", plan.month_plan_view, name="month_plan"),
    path("month-plan.pdf", plan.month_plan_pdf, name="month_plan_pdf"),
]

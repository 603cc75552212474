from django.urls import path

from reports.views import close

app_name = "reports"

urlpatterns = [
    path("drawer/close/", close.drawer_close_view, name="drawer_close"),
    path("day/", close.hall_day_view, name="hall_day"),
    path("day/report.pdf", close.day_report_pdf, name="day_report_pdf"),
]

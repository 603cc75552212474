"""Long reports as background jobs: a long period offers files prepared in the background; asking twice (a
double click) makes one job; the task prepares it once even when run twice (and at once, PostgreSQL), takes
again a job left by a dead worker, marks a failure; the screen's panel polls while it is prepared and offers
the download after; another user's job is not found; bad input is refused with nothing written."""

import io
import subprocess
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from boss.models import AuditEvent
from conftest import require_os
from orders.models import Order
from reports import jobs as jobs_module
from reports.jobs import report_job_request, report_job_run
from reports.models import ReportJob


@pytest.fixture
def manager(make_staff):
    return make_staff("manager", username="boss", hall=None)


@pytest.fixture
def sales(make_staff, hall):
    """Two openings at the hall this month: 150 + 50."""
    from customers.tests.factories import CustomerFactory

    rep = make_staff("sales_rep", username="rep_a")
    customer = CustomerFactory()
    for amount in ("150.00", "50.00"):
        o = Order.objects.create(kind=Order.Kind.OPEN_ACCOUNT, hall=hall, actor=rep, customer=customer,
                                 amount_due=Decimal(amount), msisdn="13800138000")
        Order.objects.filter(pk=o.pk).update(state=Order.State.COMPLETED, paid_at=timezone.now())
    return rep


def _year():
    today = timezone.localdate()
    return {"date_from": (today - timedelta(days=200)).isoformat(), "date_to": today.isoformat()}


def test_a_long_period_offers_files_prepared_in_the_background(client, manager, sales):
    client.force_login(manager)
    html = client.get(reverse("reports:business"), _year()).content.decode()
    assert 'data-testid="job-form"' in html and 'data-testid="print-pdf"' not in html
    html = client.get(reverse("reports:business")).content.decode()   # this month: at once
    assert 'data-testid="print-pdf"' in html and 'data-testid="job-form"' not in html


def test_asking_twice_makes_one_job_and_the_task_prepares_it_once(client, manager, sales,
                                                                 django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    client.force_login(manager)
    data = {**_year(), "fmt": "xlsx"}
    with mock.patch.object(jobs_module.tasks.report_job_run_task, "delay") as delay, \
            django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("reports:job_create"), data, HTTP_HX_REQUEST="true")
        second = client.post(reverse("reports:job_create"), data, HTTP_HX_REQUEST="true")
    assert first.status_code == second.status_code == 200
    job = ReportJob.objects.get()
    delay.assert_called_once_with(job.pk)
    panel = second.content.decode()
    assert 'hx-trigger="every 1s"' in panel and "排队中" in panel
    assert AuditEvent.objects.filter(action="report.export", actor=manager).count() == 1

    done = report_job_run(job_id=job.pk)
    assert done is not None and done.status == ReportJob.Status.DONE and done.progress == 100
    assert report_job_run(job_id=job.pk) is None   # run again: nothing to do
    job.refresh_from_db()
    assert job.attempt == 1 and job.file_name.endswith(".xlsx")

    panel = client.get(reverse("reports:jobs")).content.decode()
    assert "every 1s" not in panel and 'data-testid="report-job-download"' in panel and "已生成" in panel
    response = client.get(reverse("reports:job_download", args=[job.pk]))
    book = load_workbook(io.BytesIO(response.content))
    values = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    assert ["新开户", 2, 200.0] in values and ["合计", 2, 200.0] in values
    assert AuditEvent.objects.filter(action="report.download", actor=manager).exists()


def test_a_plain_form_lands_on_the_jobs_page(client, manager, sales):
    client.force_login(manager)
    with mock.patch.object(jobs_module.tasks.report_job_run_task, "delay"):
        response = client.post(reverse("reports:job_create"), {**_year(), "fmt": "csv"})
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:job_detail", args=[job.pk])
    report_job_run(job_id=job.pk)
    page = client.get(response["Location"]).content.decode()
    text = client.get(reverse("reports:job_download", args=[job.pk])).content.decode("utf-8-sig")
    assert 'data-testid="report-job-download"' in page and "新开户,2,200.00" in text


def test_another_users_job_is_not_found(client, manager, make_staff, sales):
    job = report_job_request(actor=manager, fmt="csv", date_from=timezone.localdate() - timedelta(days=200),
                             date_to=timezone.localdate())
    report_job_run(job_id=job.pk)
    client.force_login(make_staff("manager", username="boss2", hall=None))
    assert client.get(reverse("reports:job_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:job_download", args=[job.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="report.download").exists()


def test_bad_input_is_refused_and_nothing_is_written(client, manager):
    client.force_login(manager)
    response = client.post(reverse("reports:job_create"), {**_year(), "fmt": "doc"})
    assert response.status_code == 400 and "请选择文件格式" in response.content.decode()
    response = client.post(reverse("reports:job_create"), {"date_from": "2026-05-01", "date_to": "2026-04-01",
                                                           "fmt": "pdf"})
    assert response.status_code == 400 and "截止日期早于开始日期" in response.content.decode()
    assert not ReportJob.objects.exists()


def test_a_job_left_by_a_dead_worker_is_taken_again_and_a_fresh_one_is_not(manager, sales):
    job = report_job_request(actor=manager, fmt="csv", date_from=timezone.localdate() - timedelta(days=200),
                             date_to=timezone.localdate())
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.RUNNING, attempt=1,
                                                started_at=timezone.now())
    assert report_job_run(job_id=job.pk) is None          # another worker is on it
    ReportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - timedelta(minutes=20))
    done = report_job_run(job_id=job.pk)
    assert done.status == ReportJob.Status.DONE and done.attempt == 2


def test_a_failure_is_marked_and_shown(client, manager, sales):
    job = report_job_request(actor=manager, fmt="csv", date_from=timezone.localdate() - timedelta(days=200),
                             date_to=timezone.localdate())
    with mock.patch.object(jobs_module, "business_report", side_effect=RuntimeError("boom")), \
            pytest.raises(RuntimeError):
        report_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED and job.content is None
    client.force_login(manager)
    assert "无法生成" in client.get(reverse("reports:jobs")).content.decode()


def test_a_store_managers_file_is_of_their_own_hall(make_staff, other_hall, sales):
    store = make_staff("store_manager", username="store")
    job = report_job_request(actor=store, fmt="csv", date_from=timezone.localdate() - timedelta(days=200),
                             date_to=timezone.localdate(), hall=other_hall)
    assert job.params["hall"] == store.hall_id


@require_os(binaries=["pdftotext"])
@pytest.mark.needs_os
def test_a_pdf_file_has_the_chinese_labels_and_totals(manager, sales, tmp_path):
    job = report_job_request(actor=manager, fmt="pdf", date_from=timezone.localdate() - timedelta(days=200),
                             date_to=timezone.localdate())
    report_job_run(job_id=job.pk)
    job.refresh_from_db()
    path = tmp_path / "r.pdf"
    path.write_bytes(bytes(job.content))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "业务报表" in text and "新开户" in text and "200.00" in text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_of_one_job_at_once_prepare_it_once(manager, sales):
    from boss.tests.threads import run_concurrently

    job = report_job_request(actor=manager, fmt="csv", date_from=timezone.localdate() - timedelta(days=200),
                             date_to=timezone.localdate())
    outcomes, errors = run_concurrently(2, lambda i: report_job_run(job_id=job.pk))
    assert not errors and sum(o is not None for o in outcomes) == 1
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE and job.attempt == 1

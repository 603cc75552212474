from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from billing.models import UsageImport, UsageRecord
from billing.services.usage import HEADER, usage_import_lines
from billing.usage_generator import usage_csv_lines

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def _run(rep, text_lines):
    usage_import = UsageImport.objects.create(file_name="t.csv", uploaded_by=rep)
    return usage_import_lines(usage_import=usage_import, lines=iter(text_lines), total_hint=len(text_lines))


def _csv(*rows):
    return [",".join(HEADER) + "\n"] + [",".join(r) + "\n" for r in rows]


def _row(rid, msisdn="13800138000", kind="voice", when="2026-11-02T10:00:00+08:00", duration="60", volume="0"):
    return [rid, msisdn, kind, "out", when, duration, volume, "13900139000" if kind != "data" else "", "0", "0"]


def test_good_lines_are_imported_and_duplicates_skipped_not_charged_twice(rep, make_line):
    line = make_line("13800138000")
    result = _run(rep, _csv(_row("A1"), _row("A2", kind="sms"), _row("A1")))
    assert (result.total_lines, result.imported, result.duplicates, result.error_count) == (3, 2, 1, 0)
    again = _run(rep, _csv(_row("A1"), _row("A3", kind="data", duration="0", volume="2048")))
    assert (again.imported, again.duplicates) == (1, 1)
    assert UsageRecord.objects.filter(line=line).count() == 3
    assert result.status == "done" and result.progress == 100


@pytest.mark.parametrize("row, message", [
    (["B1", "13800138000", "voice"], "expected 10 fields"),
    (_row("B 1"), "bad record id"),
    (_row("B2", msisdn="1380013800"), "bad mobile number"),
    (_row("B3", kind="mms"), "unknown kind"),
    (_row("B4", when="2026-11-02 10:00"), "needs a UTC offset"),
    (_row("B5", when="yesterday"), "bad start time"),
    (_row("B6", duration="-5"), "whole numbers"),
    (_row("B7", msisdn="13700137000"), "no line held"),
])
def test_malformed_lines_are_reported_with_their_line_number_and_the_good_ones_kept(rep, make_line, row, message,
                                                                                   settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    make_line("13800138000")
    with translation.override("en"):
        result = _run(rep, _csv(_row("OK1"), row, _row("OK2")))
    assert result.imported == 2 and result.error_count == 1
    assert result.errors[0]["line"] == 3 and message in result.errors[0]["error"]


def test_a_wrong_header_fails_the_import_and_writes_no_record(rep, make_line):
    make_line("13800138000")
    result = _run(rep, ["id,number\n", ",".join(_row("A1")) + "\n"])
    assert result.status == "failed" and UsageRecord.objects.count() == 0


def test_a_number_reused_after_cancellation_charges_the_line_that_held_it_then(rep, make_line):
    old = make_line("13800138000", status="cancelled", activated_at=datetime(2025, 1, 1, tzinfo=SH),
                    cancelled_at=datetime(2026, 1, 1, tzinfo=SH))
    new = make_line("13800138000", activated_at=datetime(2026, 6, 1, tzinfo=SH))
    _run(rep, _csv(_row("C1", when="2025-06-01T10:00:00+08:00"), _row("C2", when="2026-11-01T10:00:00+08:00"),
                   _row("C3", when="2026-03-01T10:00:00+08:00")))
    assert UsageRecord.objects.get(record_id="C1").line == old
    assert UsageRecord.objects.get(record_id="C2").line == new
    assert not UsageRecord.objects.filter(record_id="C3").exists()  # nobody held the number then


def test_generated_usage_imports_cleanly(rep, make_line):
    lines = [make_line(f"1380013800{i}") for i in range(3)]
    text = list(usage_csv_lines(msisdns=[ln.msisdn for ln in lines], month=date(2026, 10, 1), per_line=30, seed=7))
    result = _run(rep, text)
    assert (result.imported, result.error_count) == (90, 0)
    kinds = set(UsageRecord.objects.values_list("kind", flat=True))
    assert kinds == {"voice", "sms", "data"}
    first = datetime(2026, 10, 1, tzinfo=SH)
    assert not UsageRecord.objects.exclude(started_at__gte=first, started_at__lt=first + timedelta(days=31)).exists()
    assert timezone.is_aware(UsageRecord.objects.first().started_at)


def test_upload_screen_queues_the_import_and_shows_progress(client, make_staff, make_line,
                                                         django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    make_line("13800138000")
    clerk = make_staff("account_clerk", username="clerk", hall=None)
    client.force_login(clerk)
    upload = SimpleUploadedFile("cdr.csv", "".join(_csv(_row("U1"), _row("U2"))).encode())
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/billing/usage/imports/", {"file": upload})
    assert response.status_code == 302 and len(callbacks) == 1
    usage_import = UsageImport.objects.get()
    from billing.services.usage import usage_import_file

    usage_import_file(usage_import=usage_import)  # what the queued task runs
    page = client.get(response.url).content.decode()
    assert "已完成" in page or "完成" in page
    assert UsageRecord.objects.count() == 2


def test_a_sales_rep_cannot_import_usage(client, rep):
    client.force_login(rep)
    assert client.get("/billing/usage/imports/").status_code == 403


def test_a_finished_import_is_not_run_again_and_nothing_is_written(rep, make_line):
    from billing.errors import UsageImportStateError
    from boss.models import AuditEvent

    make_line("13800138000")
    done = _run(rep, _csv(_row("D1")))
    with pytest.raises(UsageImportStateError) as exc:
        usage_import_lines(usage_import=done, lines=iter(_csv(_row("D2"))))
    assert exc.value.code == "usage_import_state" and exc.value.params == {"status": "done"}
    done.refresh_from_db()
    assert (done.status, done.total_lines, done.imported) == ("done", 1, 1)
    assert not UsageRecord.objects.filter(record_id="D2").exists()
    assert AuditEvent.objects.filter(action="usage.import").count() == 1


@pytest.mark.parametrize("state", ["running", "failed"])
def test_an_import_killed_or_failed_is_run_again_to_the_end(rep, make_line, state):
    """A redelivered task finds its import running (the worker died) or failed: it runs it again."""
    make_line("13800138000")
    usage_import = UsageImport.objects.create(file_name="t.csv", uploaded_by=rep)
    UsageImport.objects.filter(pk=usage_import.pk).update(status=state)
    usage_import.refresh_from_db()
    result = usage_import_lines(usage_import=usage_import, lines=iter(_csv(_row("R1"), _row("R2"))))
    assert (result.status, result.imported, result.progress) == ("done", 2, 100)
    assert result.finished_at is not None

"""Malicious-user tracing against generated usage with known spammers: every spammer found with its
rule and evidence, no false positive among the normal lines, the same day run twice changes nothing, and
the review (confirm with the blacklist, dismiss) with its refusals."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from billing.models import UsageRecord
from boss.errors import NotPermitted
from boss.exports import SecondApproverError, export_decide, export_request
from boss.models import AuditEvent, ExportRequest
from customers.models import CustomerClass
from customers.tests.factories import LineFactory
from partners.models import Suspect, TracingRun
from partners.services.tracing import suspect_confirm, suspect_dismiss, tracing_run
from partners.tasks import tracing_nightly
from partners.usage_patterns import normal_usage, spam_usage

pytestmark = pytest.mark.django_db
DAY = date(2026, 10, 14)
SPAM = {"sms_bulk": 450, "short_calls": 150, "one_ring": 80, "night_calls": 90}


@pytest.fixture
def usage(hall, other_hall):
    normal = [LineFactory(hall=hall if i % 2 else other_hall, msisdn=f"1380000{i:04d}") for i in range(30)]
    spammers = {rule: LineFactory(hall=hall, msisdn=f"1390000{i:04d}") for i, rule in enumerate(SPAM)}
    # ~50 a day each, as over a whole month; only the days around DAY are stored (the tracing reads one day,
    # the neighbours show it reads no other): 6,000 rows instead of 45,000 for every test of the module.
    records = normal_usage(normal, month=date(2026, 10, 1), per_line=1500,
                           days=[DAY + timedelta(days=d) for d in range(-2, 3)])
    for rule, line in spammers.items():
        records += spam_usage(line, day=DAY, rule=rule, count=SPAM[rule])
        records += spam_usage(line, day=date(2026, 10, 13), rule=rule, count=SPAM[rule] // 10)   # below
    UsageRecord.objects.bulk_create(records, batch_size=5000)
    return spammers


@pytest.fixture
def reviewer(make_staff):
    return make_staff("manager", username="tracing_mgr", hall=None)


def test_every_spammer_is_found_and_no_normal_line(usage):
    run = tracing_run(day=DAY)
    found = set(Suspect.objects.values_list("msisdn", "rule"))
    assert found == {(line.msisdn, rule) for rule, line in usage.items()}
    assert run.suspects == 4 and run.records > sum(SPAM.values())
    sms = Suspect.objects.get(rule="sms_bulk").evidence
    assert sms["peak_sms"] >= 200 and sms["peak_recipients"] >= 100 and sms["peak_hour"] == "20:00"
    assert Suspect.objects.get(rule="night_calls").evidence["night_calls"] == 90
    assert Suspect.objects.get(rule="one_ring").evidence["one_ring"] == 80
    # the day before, under every threshold: nothing
    assert tracing_run(day=date(2026, 10, 13)).suspects == 0


def test_thresholds_are_tariff_parameters(usage, set_tariff):
    set_tariff("tracing.one_ring_calls_per_day", "81")
    tracing_run(day=DAY)
    assert not Suspect.objects.filter(rule="one_ring").exists()


def test_the_same_day_twice_changes_nothing_and_keeps_the_reviews(usage, reviewer):
    tracing_run(day=DAY)
    suspect = Suspect.objects.get(rule="one_ring")
    suspect_dismiss(actor=reviewer, suspect=suspect, note="客服外呼业务，已核实")
    before = list(Suspect.objects.order_by("pk").values())
    result = tracing_nightly(DAY.isoformat())
    assert result["suspects"] == 4 and TracingRun.objects.count() == 1
    assert list(Suspect.objects.order_by("pk").values()) == before


def test_confirming_with_the_blacklist_classifies_the_owner_and_is_audited(usage, reviewer):
    tracing_run(day=DAY)
    suspect = Suspect.objects.get(rule="sms_bulk")
    suspect_confirm(actor=reviewer, suspect=suspect, note="群发广告短信", blacklist=True, report=True)
    suspect.refresh_from_db()
    assert (suspect.status, suspect.blacklisted, suspect.reported, suspect.reviewed_by) == (
        "confirmed", True, True, reviewer)
    assert CustomerClass.objects.get(customer=usage["sms_bulk"].customer).kind == "blacklist"
    event = AuditEvent.objects.get(action="tracing.confirm")
    assert usage["sms_bulk"].msisdn not in str(event.after) + event.target_repr   # masked
    with pytest.raises(Exception) as exc:
        suspect_dismiss(actor=reviewer, suspect=suspect, note="改主意")
    assert exc.value.code == "suspect_reviewed"
    assert Suspect.objects.get(pk=suspect.pk).status == "confirmed"


def test_a_rep_may_not_review(usage, rep):
    tracing_run(day=DAY)
    suspect = Suspect.objects.first()
    with pytest.raises(NotPermitted):
        suspect_confirm(actor=rep, suspect=suspect, note="x")
    assert Suspect.objects.get(pk=suspect.pk).status == "pending"


def test_the_worklist_statistics_and_report(usage, reviewer, client, django_assert_max_num_queries):
    tracing_run(day=DAY)
    suspect_confirm(actor=reviewer, suspect=Suspect.objects.get(rule="sms_bulk"), note="群发", report=True)
    client.force_login(reviewer)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("partners:suspect_list"), {"day": DAY.isoformat()}).content.decode()
    assert "群发短信" in page and "响一声" in page and usage["night_calls"].msisdn in page
    stats = client.get(reverse("partners:tracing_statistics"), {"from": "2026-10-01", "to": "2026-10-31"})
    assert stats.status_code == 200 and "2026-10-14" in stats.content.decode()


def test_the_public_security_report_is_a_bulk_export_a_second_person_approves(usage, reviewer, client, make_staff):
    """Full mobile numbers with what they did leave the house: the report is asked for with a reason, approved
    by a second person with boss.approve_export (never the requester), downloaded once; each step audited."""
    tracing_run(day=DAY)
    suspect_confirm(actor=reviewer, suspect=Suspect.objects.get(rule="sms_bulk"), note="群发", report=True)
    client.force_login(reviewer)
    period = {"from": "2026-10-01", "to": "2026-10-31"}
    page = client.get(reverse("partners:tracing_statistics"), period).content.decode()
    assert 'value="tracing.report"' in page and "report.csv" not in page
    assert client.get("/partners/tracing/report.csv", period).status_code == 404      # no download without it
    ask = {"kind": "tracing.report", "f_from": period["from"], "f_to": period["to"],
           "back": reverse("partners:tracing_statistics")}
    refused = client.post(reverse("export_new"), {**ask, "reason": " "}, follow=True)
    assert "请说明导出的原因。" in refused.content.decode() and not ExportRequest.objects.exists()
    assert client.post(reverse("export_new"), {**ask, "reason": "公安协查函第12号"}).status_code == 302
    req = ExportRequest.objects.get()
    assert (req.kind, req.params, req.status) == ("tracing.report", {"from": "2026-10-01", "to": "2026-10-31"},
                                                  "requested")
    assert client.post(reverse("export_download", args=[req.pk])).status_code == 302   # not before approval
    with pytest.raises(SecondApproverError):
        export_decide(actor=reviewer, request=req, approve=True)
    export_decide(actor=make_staff("manager", username="tracing_mgr_b", hall=None), request=req, approve=True)
    report = client.post(reverse("export_download", args=[req.pk]))
    lines = report.content.decode("utf-8-sig").strip().splitlines()
    assert report.status_code == 200 and len(lines) == 2 and usage["sms_bulk"].msisdn in lines[1]
    assert lines[0].startswith("话单日期,")
    assert client.post(reverse("export_download", args=[req.pk])).status_code == 302   # once
    assert list(AuditEvent.objects.filter(action__startswith="export.").order_by("pk")
                .values_list("action", flat=True)) == ["export.request", "export.approve", "export.download"]
    assert usage["sms_bulk"].msisdn not in str(AuditEvent.objects.get(action="export.download").after)


def test_only_a_tracing_reviewer_asks_for_the_public_security_report(rep):
    with pytest.raises(NotPermitted):
        export_request(actor=rep, kind="tracing.report", params={}, reason="好奇")
    assert not ExportRequest.objects.exists()


def test_a_review_form_without_a_note_is_refused_and_nothing_changes(usage, reviewer, client):
    tracing_run(day=DAY)
    suspect = Suspect.objects.first()
    client.force_login(reviewer)
    response = client.post(reverse("partners:suspect_review", args=[suspect.pk]), {"decision": "confirm"})
    assert response.status_code == 400 and Suspect.objects.get(pk=suspect.pk).status == "pending"
    response = client.post(reverse("partners:suspect_review", args=[suspect.pk]),
                           {"decision": "dismiss", "note": "正常业务"})
    assert response.status_code == 302 and Suspect.objects.get(pk=suspect.pk).status == "dismissed"

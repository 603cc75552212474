"""Intake from every window (process 11.1) with the regulatory clock and the out-of-scope rule (A9)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from boss.models import AuditEvent, Department, TariffParameter
from boss.tariffs import tariff_cache_clear
from complaints.errors import ComplaintConfigurationError, ComplaintInputError, OutOfScopeError
from complaints.models import Complaint, ComplaintStep, ComplaintTimeLimit, Stage
from complaints.services import complaint_open
from complaints.tests.factories import LineFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 10, 9, 30, tzinfo=SHANGHAI)


def nothing_written():
    return (Complaint.objects.count(), ComplaintStep.objects.count(),
            AuditEvent.objects.filter(action__startswith="complaint.").count()) == (0, 0, 0)


def set_tariff(key, value):
    TariffParameter.objects.update_or_create(key=key, defaults={"value": value})
    tariff_cache_clear()


@time_machine.travel(T0, tick=False)
def test_a_counter_complaint_is_filed_with_the_clock_running_and_queued_for_review(file_complaint, rep, line, cs):
    complaint = file_complaint(msisdn=line.msisdn, order_reference="SO20260310001")

    assert complaint.status == Complaint.Status.TO_REVIEW
    assert complaint.number == f"TS20260310{complaint.pk:06d}"
    assert (complaint.line, complaint.customer, complaint.hall, complaint.taken_by) == (line, line.customer, rep.hall,
                                                                                        rep)
    assert complaint.order_reference == "SO20260310001"
    assert complaint.received_at == T0 and complaint.answer_due_at == T0 + timedelta(days=15)
    assert complaint.service_department == cs
    intake, review = complaint.steps.order_by("id")
    assert (intake.stage, intake.outcome, intake.closed_by, intake.closed_at) == (Stage.INTAKE, "filed", rep, T0)
    assert (review.stage, review.department, review.closed_at) == (Stage.REVIEW, cs, None)
    assert review.due_at == T0 + timedelta(hours=24)
    event = AuditEvent.objects.get(action="complaint.open")
    assert event.actor == rep and event.target_id == str(complaint.pk) and event.after["line"] == line.msisdn


@time_machine.travel(T0, tick=False)
def test_a_complaint_solved_on_the_spot_is_answered_and_closed_at_once(file_complaint, rep):
    complaint = file_complaint(solved_on_the_spot=True, answer="已为客户重启网络设置，信号恢复。")

    assert complaint.status == Complaint.Status.CLOSED
    assert complaint.resolution == Complaint.Resolution.ON_THE_SPOT
    assert (complaint.answer, complaint.answered_by, complaint.closed_at) == (
        "已为客户重启网络设置，信号恢复。", rep, T0)
    assert not complaint.steps.filter(closed_at__isnull=True).exists()
    assert complaint.steps.get().outcome == ComplaintStep.Outcome.SOLVED_ON_THE_SPOT
    assert AuditEvent.objects.filter(action="complaint.open").count() == 1


@pytest.mark.parametrize("kwargs, field", [
    ({"solved_on_the_spot": True, "answer": "  "}, "answer"),
    ({"msisdn": "13700000000"}, "msisdn"),
    ({"contact_phone": ""}, "contact_phone"),
    ({"description": "   "}, "description"),
    ({"severity": "extreme"}, "severity"),
    ({"channel": "pigeon"}, "channel"),
])
def test_incomplete_or_wrong_input_is_refused_at_its_field_and_nothing_is_written(file_complaint, kwargs, field):
    with pytest.raises(ComplaintInputError) as exc:
        file_complaint(**kwargs)
    assert exc.value.code == "complaint_invalid" and exc.value.field == field
    assert nothing_written()


def test_an_inactive_category_is_refused(file_complaint, category):
    category.active = False
    category.save()
    with pytest.raises(ComplaintInputError) as exc:
        file_complaint()
    assert exc.value.field == "category" and nothing_written()


def test_the_counter_channel_needs_a_hall(file_complaint, reviewer):
    with pytest.raises(ComplaintInputError) as exc:
        file_complaint(actor=reviewer, channel=Complaint.Channel.COUNTER)
    assert exc.value.field == "channel" and nothing_written()


def test_a_hotline_complaint_taken_by_branch_customer_service_has_no_hall(file_complaint, reviewer, cs):
    complaint = file_complaint(actor=reviewer, channel=Complaint.Channel.HOTLINE)
    assert complaint.hall is None and complaint.service_department == cs and complaint.taken_by == reviewer


def test_without_a_branch_customer_service_department_the_complaint_is_refused(rep, category):
    with pytest.raises(ComplaintConfigurationError) as exc:
        complaint_open(actor=rep, channel="counter", category=category, description="x", contact_phone="13912345678")
    assert exc.value.code == "complaint_configuration" and nothing_written()


def test_a_number_of_another_customer_is_refused(file_complaint, line):
    other = LineFactory(msisdn="13800138111")
    with pytest.raises(ComplaintInputError) as exc:
        file_complaint(msisdn=line.msisdn, customer=other.customer)
    assert exc.value.field == "msisdn" and nothing_written()


def test_a_cancelled_number_still_finds_its_last_line(file_complaint, hall):
    old = LineFactory(msisdn="13800138222", hall=hall, status="cancelled", cancelled_at=timezone.now())
    complaint = file_complaint(msisdn="13800138222")
    assert complaint.line == old and complaint.customer == old.customer


# --- the regulatory clock and the scope (domain-rules A9) -------------------------------------------


@time_machine.travel(T0, tick=False)
def test_the_answer_deadline_follows_the_tariff_and_the_category(file_complaint, category):
    set_tariff("complaint.answer_days", "10")
    assert file_complaint().answer_due_at == T0 + timedelta(days=10)
    category.answer_days = 3
    category.save()
    assert file_complaint().answer_due_at == T0 + timedelta(days=3)


@time_machine.travel(T0, tick=False)
def test_a_billing_dispute_older_than_five_months_is_out_of_scope_with_a_clear_message(file_complaint,
                                                                                       billing_category):
    with pytest.raises(OutOfScopeError) as exc:
        file_complaint(category=billing_category, disputed_on=date(2025, 10, 9))
    assert exc.value.code == "complaint_out_of_scope" and exc.value.field == "disputed_on"
    assert exc.value.params == {"months": 5, "disputed_on": "2025-10-09"}
    assert "5" in str(exc.value.message) and "2025-10-09" in str(exc.value.message)
    assert nothing_written()
    # Exactly five months back is still in scope.
    assert file_complaint(category=billing_category, disputed_on=date(2025, 10, 10)).pk


@time_machine.travel(T0, tick=False)
def test_the_billing_scope_is_a_tariff_parameter(file_complaint, billing_category):
    set_tariff("complaint.billing_dispute_months", "6")
    assert file_complaint(category=billing_category, disputed_on=date(2025, 9, 15)).pk


@time_machine.travel(T0, tick=False)
def test_a_billing_dispute_needs_its_date(file_complaint, billing_category):
    with pytest.raises(ComplaintInputError) as exc:
        file_complaint(category=billing_category)
    assert exc.value.field == "disputed_on" and nothing_written()


@time_machine.travel(T0, tick=False)
def test_other_disputes_are_out_of_scope_after_two_years_and_never_in_the_future(file_complaint):
    with pytest.raises(OutOfScopeError):
        file_complaint(disputed_on=date(2024, 3, 9))
    with pytest.raises(ComplaintInputError) as exc:
        file_complaint(disputed_on=date(2026, 3, 11))
    assert exc.value.field == "disputed_on" and nothing_written()
    assert file_complaint(disputed_on=date(2024, 3, 10)).pk


# --- the link to billing's refund process ------------------------------------------------------------


def _pays_by_bank(line):
    from customers.models import Account

    Account.objects.filter(pk=line.account_id).update(payment_method=Account.PaymentMethod.BANK,
                                                     realtime_prepaid=False)


def test_an_over_deduction_complaint_without_a_number_is_refused(file_complaint, refund_category):
    with pytest.raises(ComplaintInputError) as exc:
        file_complaint(category=refund_category, disputed_on=timezone.localdate())
    assert exc.value.field == "msisdn" and nothing_written()


def test_a_line_not_paying_by_bank_collection_gets_no_refund_case_but_the_request_is_recorded(
        file_complaint, refund_category, line):
    from billing.models import RefundCase

    complaint = file_complaint(category=refund_category, msisdn=line.msisdn, disputed_on=timezone.localdate())
    assert complaint.refund_requested_at is not None and complaint.refund_case is None
    assert not RefundCase.objects.exists()
    assert AuditEvent.objects.get(action="complaint.open").after["refund_requested"] is True


def test_an_over_deduction_complaint_opens_billings_refund_case_in_its_own_transaction(
        file_complaint, refund_category, line, rep):
    from billing.models import RefundCase

    _pays_by_bank(line)
    complaint = file_complaint(category=refund_category, msisdn=line.msisdn, disputed_on=timezone.localdate())
    case = RefundCase.objects.get()
    assert complaint.refund_case == case
    assert (case.complaint_number, case.requested_by, case.line) == (complaint.number, rep, line)


def test_other_categories_and_spot_answers_do_not_ask_for_a_refund(file_complaint, refund_category, line):
    from billing.models import RefundCase

    _pays_by_bank(line)
    file_complaint(msisdn=line.msisdn)
    file_complaint(category=refund_category, msisdn=line.msisdn, disputed_on=timezone.localdate(),
                   solved_on_the_spot=True, answer="扣款正确，已向客户解释。")
    assert not RefundCase.objects.exists()


@time_machine.travel(T0, tick=False)
def test_stage_limits_come_from_the_category_table_before_the_tariff(file_complaint, category):
    ComplaintTimeLimit.objects.create(category=category, stage=Stage.REVIEW, hours=2)
    review = file_complaint().steps.get(stage=Stage.REVIEW)
    assert review.due_at == T0 + timedelta(hours=2)


def test_branch_customer_service_of_the_actor_wins_over_the_first_one(make_staff, category):
    from complaints.tests.factories import department

    department("CS-A", Department.Kind.CUSTOMER_SERVICE)
    cs_b = department("CS-B", Department.Kind.CUSTOMER_SERVICE)
    staff = make_staff("complaint_reviewer", username="rev_b", hall=None, department=cs_b)
    complaint = complaint_open(actor=staff, channel="hotline", category=category, description="x",
                               contact_phone="13912345678")
    assert complaint.service_department == cs_b

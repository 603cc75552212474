"""Every transition of the branch complaint flowchart and its refusals (process 11.2)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction

from boss.models import AuditEvent, Department
from complaints.errors import ComplaintInputError, ComplaintStateError, NotYourDepartmentError
from complaints.models import ArticleUse, Complaint, ComplaintStep, Stage
from complaints.services import (
    article_create,
    complaint_accept,
    complaint_callback,
    complaint_dispatch,
    complaint_pass_down,
    complaint_redispatch,
    complaint_reply,
    complaint_return,
)
from complaints.tests.factories import ArticleCategoryFactory, ComplaintCategoryFactory, department

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
Outcome = ComplaintStep.Outcome


def state(complaint):
    """Everything a refused call must leave as it was."""
    complaint = Complaint.objects.get(pk=complaint.pk)
    steps = list(complaint.steps.order_by("id").values_list("stage", "department_id", "closed_at", "outcome"))
    audits = AuditEvent.objects.filter(target_id=str(complaint.pk)).count()
    return complaint.status, complaint.department_id, complaint.round, steps, audits


def refused(call, error, complaint, *, code=None, field=None):
    before = state(complaint)
    with pytest.raises(error) as exc:
        call()
    if code:
        assert exc.value.code == code
    if field:
        assert exc.value.field == field
    assert state(complaint) == before, "a refused call changed the complaint"
    return exc.value


# --- dispatch -------------------------------------------------------------------------------------


def test_the_reviewer_classifies_and_dispatches_to_a_department(file_complaint, reviewer, net, bill, cs):
    with time_machine.travel(T0, tick=False):
        complaint = file_complaint()
    other = ComplaintCategoryFactory(code="BILL-X", name="计费", answer_days=10)
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        complaint = complaint_dispatch(actor=reviewer, complaint=complaint, department=bill, category=other,
                                       severity=Complaint.Severity.URGENT, note="话费相关，转计费部")

    assert (complaint.status, complaint.department, complaint.round) == (Complaint.Status.DISPATCHED, bill, 1)
    assert (complaint.category, complaint.severity) == (other, Complaint.Severity.URGENT)
    assert complaint.answer_due_at == T0 + timedelta(days=10)  # the clock runs from receipt, new category
    review = complaint.steps.get(stage=Stage.REVIEW)
    assert (review.outcome, review.closed_by, review.text) == (Outcome.DISPATCHED, reviewer, "话费相关，转计费部")
    handle = complaint.steps.get(stage=Stage.HANDLE)
    assert (handle.department, handle.round, handle.closed_at) == (bill, 1, None)
    assert handle.due_at == T0 + timedelta(hours=2 + 72)
    event = AuditEvent.objects.get(action="complaint.dispatch")
    assert event.before["category"] == "NET-SIGNAL" and event.after["department"] == "BILL"


def test_a_closed_complaint_cannot_be_dispatched_again(walk, reviewer, net):
    complaint = walk(Complaint.Status.CLOSED)
    refused(lambda: complaint_dispatch(actor=reviewer, complaint=complaint, department=net),
            ComplaintStateError, complaint, code="complaint_state")


def test_a_complaint_is_dispatched_only_once(walk, reviewer, bill):
    complaint = walk(Complaint.Status.DISPATCHED)
    refused(lambda: complaint_dispatch(actor=reviewer, complaint=complaint, department=bill),
            ComplaintStateError, complaint)


def test_only_the_owning_branch_customer_service_dispatches(file_complaint, handler, make_staff, net):
    complaint = file_complaint()
    refused(lambda: complaint_dispatch(actor=handler, complaint=complaint, department=net),
            NotYourDepartmentError, complaint, code="not_your_department")
    other_cs = department("CS2", Department.Kind.CUSTOMER_SERVICE)
    stranger = make_staff("complaint_reviewer", username="rev2", hall=None, department=other_cs)
    refused(lambda: complaint_dispatch(actor=stranger, complaint=complaint, department=net),
            NotYourDepartmentError, complaint)


@pytest.mark.parametrize("target", ["cs", "net_th", "inactive"])
def test_dispatch_goes_to_an_active_complaint_department_only(file_complaint, reviewer, request, target, net):
    if target == "inactive":
        department_ = department("OLD", name="撤销的部门")
        department_.active = False
        department_.save()
    else:
        department_ = request.getfixturevalue(target)
    complaint = file_complaint()
    refused(lambda: complaint_dispatch(actor=reviewer, complaint=complaint, department=department_),
            ComplaintInputError, complaint, field="department")


# --- the department ------------------------------------------------------------------------------


def test_the_handler_replies_and_it_goes_back_to_be_checked(walk, handler, cs):
    complaint = walk(Complaint.Status.DISPATCHED)
    complaint = complaint_reply(actor=handler, complaint=complaint, reply="已调整天线方向角，信号正常。")
    assert complaint.status == Complaint.Status.REPLIED
    handle = complaint.steps.get(stage=Stage.HANDLE)
    assert (handle.outcome, handle.closed_by, handle.text) == (Outcome.REPLIED, handler, "已调整天线方向角，信号正常。")
    check = complaint.steps.get(closed_at__isnull=True)
    assert (check.stage, check.department) == (Stage.CHECK, cs)
    assert AuditEvent.objects.filter(action="complaint.reply").count() == 1


def test_a_handler_cannot_reply_to_a_complaint_not_dispatched_to_their_department(walk, handler_bill):
    complaint = walk(Complaint.Status.DISPATCHED)
    error = refused(lambda: complaint_reply(actor=handler_bill, complaint=complaint, reply="不是我们的"),
                    NotYourDepartmentError, complaint, code="not_your_department")
    assert error.status == 403 and error.params == {"department": "网络部"}


def test_a_complaint_not_yet_dispatched_cannot_be_replied_to(file_complaint, handler):
    complaint = file_complaint()
    refused(lambda: complaint_reply(actor=handler, complaint=complaint, reply="x"), ComplaintStateError, complaint)


def test_an_empty_reply_is_refused(walk, handler):
    complaint = walk(Complaint.Status.DISPATCHED)
    refused(lambda: complaint_reply(actor=handler, complaint=complaint, reply=" "), ComplaintInputError, complaint,
            field="reply")


def test_an_answer_template_inserted_in_a_reply_is_counted(walk, handler, manager):
    kb = ArticleCategoryFactory()
    template = article_create(actor=manager, title="信号差答复模板", kind="answer_template", category=kb,
                              body="您好，经核查……")
    technical = article_create(actor=manager, title="基站参数", kind="technical", category=kb, body="……")
    complaint = walk(Complaint.Status.DISPATCHED)
    refused(lambda: complaint_reply(actor=handler, complaint=complaint, reply="x", template_article=technical),
            ComplaintInputError, complaint)
    complaint = complaint_reply(actor=handler, complaint=complaint, reply="您好，经核查……已处理",
                                template_article=template)
    use = ArticleUse.objects.get()
    assert (use.article, use.used_by, use.complaint) == (template, handler, complaint)
    assert complaint.steps.get(outcome=Outcome.REPLIED).template_article == template


def test_a_department_passes_down_to_its_district_unit_which_then_replies(walk, handler, handler_th, net_th):
    complaint = walk(Complaint.Status.DISPATCHED)
    due = complaint.steps.get(closed_at__isnull=True).due_at
    complaint = complaint_pass_down(actor=handler, complaint=complaint, unit=net_th, note="天河基站")
    assert (complaint.status, complaint.department) == (Complaint.Status.DISPATCHED, net_th)
    unit_step = complaint.steps.get(closed_at__isnull=True)
    assert (unit_step.department, unit_step.due_at) == (net_th, due)  # passing down does not extend the limit
    # The department no longer holds it; the unit does.
    refused(lambda: complaint_reply(actor=handler, complaint=complaint, reply="x"), NotYourDepartmentError, complaint)
    complaint = complaint_reply(actor=handler_th, complaint=complaint, reply="天河区已处理")
    assert complaint.status == Complaint.Status.REPLIED


def test_passing_down_goes_only_to_the_departments_own_active_units(walk, handler, bill):
    complaint = walk(Complaint.Status.DISPATCHED)
    foreign_unit = department("BILL-TH", Department.Kind.DISTRICT, parent=bill)
    refused(lambda: complaint_pass_down(actor=handler, complaint=complaint, unit=foreign_unit),
            ComplaintInputError, complaint, field="unit")


def test_a_returned_complaint_goes_back_to_branch_customer_service_and_can_be_dispatched_again(
        walk, handler, reviewer, bill, cs):
    complaint = walk(Complaint.Status.DISPATCHED)
    refused(lambda: complaint_return(actor=handler, complaint=complaint, reason=""), ComplaintInputError, complaint,
            field="reason")
    complaint = complaint_return(actor=handler, complaint=complaint, reason="属于计费问题，非网络原因")
    assert complaint.status == Complaint.Status.TO_REVIEW
    returned = complaint.steps.get(outcome=Outcome.RETURNED)
    assert (returned.text, returned.closed_by) == ("属于计费问题，非网络原因", handler)
    review = complaint.steps.get(closed_at__isnull=True)
    assert (review.stage, review.department) == (Stage.REVIEW, cs)
    complaint = complaint_dispatch(actor=reviewer, complaint=complaint, department=bill)
    assert (complaint.department, complaint.round) == (bill, 2)


# --- the dispatcher checks ---------------------------------------------------------------------------


def test_an_ineffective_reply_is_redispatched_with_its_reason_and_every_round_is_kept(walk, reviewer, handler, net):
    complaint = walk(Complaint.Status.REPLIED)
    refused(lambda: complaint_redispatch(actor=reviewer, complaint=complaint, reason=" "), ComplaintInputError,
            complaint, field="reason")
    complaint = complaint_redispatch(actor=reviewer, complaint=complaint, reason="客户反映信号仍然很差")
    assert (complaint.status, complaint.department, complaint.round) == (Complaint.Status.DISPATCHED, net, 2)
    assert complaint.steps.get(outcome=Outcome.REJECTED).text == "客户反映信号仍然很差"
    assert complaint.steps.get(closed_at__isnull=True).round == 2

    complaint = complaint_reply(actor=handler, complaint=complaint, reply="已新增室分设备")
    complaint = complaint_accept(actor=reviewer, complaint=complaint, answer="已新增室分设备，信号改善。")
    replies = list(complaint.steps.filter(outcome=Outcome.REPLIED).order_by("id").values_list("round", "text"))
    assert replies == [(1, "已优化基站参数。"), (2, "已新增室分设备")]
    assert complaint.status == Complaint.Status.ANSWERED and complaint.answer == "已新增室分设备，信号改善。"


def test_a_redispatch_may_go_to_another_department(walk, reviewer, bill):
    complaint = complaint_redispatch(actor=reviewer, complaint=walk(Complaint.Status.REPLIED), reason="转计费",
                                     department=bill)
    assert complaint.department == bill and complaint.steps.get(closed_at__isnull=True).department == bill


def test_only_branch_customer_service_judges_a_reply(walk, handler):
    complaint = walk(Complaint.Status.REPLIED)
    refused(lambda: complaint_accept(actor=handler, complaint=complaint, answer="自己验收"), NotYourDepartmentError,
            complaint)
    refused(lambda: complaint_redispatch(actor=handler, complaint=complaint, reason="x"), NotYourDepartmentError,
            complaint)


def test_accepting_needs_the_answer_given_to_the_customer_and_opens_the_callback(walk, reviewer, cs):
    complaint = walk(Complaint.Status.REPLIED)
    refused(lambda: complaint_accept(actor=reviewer, complaint=complaint, answer=""), ComplaintInputError, complaint,
            field="answer")
    from notifications.models import SmsMessage

    assert not SmsMessage.objects.exists()    # refused: no survey message either
    complaint = complaint_accept(actor=reviewer, complaint=complaint, answer="已答复客户")
    assert (complaint.answered_by, complaint.status) == (reviewer, Complaint.Status.ANSWERED)
    callback = complaint.steps.get(closed_at__isnull=True)
    assert (callback.stage, callback.department) == (Stage.CALLBACK, cs)
    # The satisfaction survey is announced to the complainant by SMS, once, through the outbox.
    sms = SmsMessage.objects.get(template="complaints.satisfaction_survey")
    assert (sms.msisdn, sms.key) == ("13912345678", f"complaints.survey:{complaint.pk}")
    assert complaint.number in sms.body and "满意" in sms.body


def test_no_survey_sms_for_a_landline(walk, reviewer):
    from notifications.models import SmsMessage

    complaint = walk(Complaint.Status.REPLIED)
    Complaint.objects.filter(pk=complaint.pk).update(contact_phone="020-83331234")
    complaint = complaint_accept(actor=reviewer, complaint=complaint, answer="已答复客户")
    assert complaint.status == Complaint.Status.ANSWERED and not SmsMessage.objects.exists()


def test_a_reply_cannot_be_accepted_before_there_is_one(walk, reviewer):
    complaint = walk(Complaint.Status.DISPATCHED)
    refused(lambda: complaint_accept(actor=reviewer, complaint=complaint, answer="x"), ComplaintStateError, complaint)


# --- callback and survey ----------------------------------------------------------------------------


def test_the_callback_records_satisfaction_and_closes_the_complaint(walk, reviewer):
    complaint = walk(Complaint.Status.ANSWERED)
    refused(lambda: complaint_callback(actor=reviewer, complaint=complaint, satisfaction="meh"),
            ComplaintInputError, complaint, field="satisfaction")
    complaint = complaint_callback(actor=reviewer, complaint=complaint, satisfaction="fairly", note="客户表示基本满意")
    assert complaint.status == Complaint.Status.CLOSED
    assert (complaint.satisfaction, complaint.resolution) == ("fairly", Complaint.Resolution.CALLED_BACK)
    assert complaint.closed_at is not None and not complaint.steps.filter(closed_at__isnull=True).exists()
    assert AuditEvent.objects.get(action="complaint.callback").after["satisfaction"] == "fairly"


def test_no_callback_before_the_customer_was_answered(walk, reviewer):
    complaint = walk(Complaint.Status.REPLIED)
    refused(lambda: complaint_callback(actor=reviewer, complaint=complaint, satisfaction="satisfied"),
            ComplaintStateError, complaint)


def test_the_timeline_records_who_when_and_what_of_every_step(walk, rep, reviewer, handler):
    complaint = walk(Complaint.Status.CLOSED)
    steps = list(complaint.steps.order_by("opened_at", "id"))
    assert [(s.stage, s.outcome, s.closed_by) for s in steps] == [
        (Stage.INTAKE, Outcome.FILED, rep), (Stage.REVIEW, Outcome.DISPATCHED, reviewer),
        (Stage.HANDLE, Outcome.REPLIED, handler), (Stage.CHECK, Outcome.ACCEPTED, reviewer),
        (Stage.CALLBACK, Outcome.CALLED_BACK, reviewer)]
    assert all(s.closed_at and s.opened_at <= s.closed_at for s in steps)
    assert all(s.due_at for s in steps[1:])
    actions = list(AuditEvent.objects.filter(target_id=str(complaint.pk)).order_by("id")
                   .values_list("action", flat=True))
    assert actions == ["complaint.open", "complaint.dispatch", "complaint.reply", "complaint.accept",
                       "complaint.callback"]


def test_the_database_keeps_one_open_step_and_a_due_time_on_it(walk, cs):
    complaint = walk(Complaint.Status.DISPATCHED)
    now = complaint.received_at
    with pytest.raises(IntegrityError), transaction.atomic():
        ComplaintStep.objects.create(complaint=complaint, stage=Stage.CHECK, department=cs, opened_at=now, due_at=now)
    closed = walk(Complaint.Status.CLOSED)
    with pytest.raises(IntegrityError), transaction.atomic():
        ComplaintStep.objects.create(complaint=closed, stage=Stage.CHECK, department=cs, opened_at=now, due_at=None)

"""Time limits per stage and category, the overdue mark and the escalation job, with time travel
(process 11.3, domain-rules A9)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from boss.errors import NotPermitted
from boss.models import AuditEvent, TariffParameter
from boss.permissions import system_actor
from boss.tariffs import tariff_cache_clear
from complaints import tasks
from complaints.errors import EscalationError
from complaints.models import Complaint, ComplaintStep, ComplaintTimeLimit, Escalation, Stage
from complaints.selectors import escalation_list_for_actor
from complaints.services import (
    complaint_dispatch,
    complaint_pass_down,
    complaint_reply,
    complaint_steps_escalate_overdue,
    escalation_acknowledge,
    timelimits,
)
from complaints.tests.conftest import grant

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
H = timedelta(hours=1)


def run_job(at):
    with time_machine.travel(at, tick=False):
        return complaint_steps_escalate_overdue(actor=system_actor())


@pytest.fixture
def dispatched(file_complaint, reviewer, net):
    """A complaint dispatched to NET at T0 (handle limit 72 h: due T0 + 72 h)."""
    with time_machine.travel(T0, tick=False):
        return complaint_dispatch(actor=reviewer, complaint=file_complaint(), department=net)


def open_step(complaint):
    return ComplaintStep.objects.get(complaint=complaint, closed_at__isnull=True)


def test_every_open_step_has_the_due_time_of_its_stage(dispatched):
    assert open_step(dispatched).due_at == T0 + 72 * H


def test_a_category_time_limit_overrides_the_tariff_and_the_tariff_is_read_at_the_time(
        file_complaint, reviewer, net, category):
    ComplaintTimeLimit.objects.create(category=category, stage=Stage.HANDLE, hours=8)
    TariffParameter.objects.filter(key="complaint.review_hours").update(value="6")
    tariff_cache_clear()
    with time_machine.travel(T0, tick=False):
        complaint = file_complaint()
        assert open_step(complaint).due_at == T0 + 6 * H
        complaint = complaint_dispatch(actor=reviewer, complaint=complaint, department=net)
    assert open_step(complaint).due_at == T0 + 8 * H


def test_no_stage_before_the_answer_runs_past_the_regulatory_deadline(file_complaint, reviewer, net, category):
    category.answer_days = 2
    category.save()
    with time_machine.travel(T0, tick=False):
        complaint = complaint_dispatch(actor=reviewer, complaint=file_complaint(), department=net)
    assert open_step(complaint).due_at == T0 + 48 * H  # 72 h limit capped at the 2-day answer deadline


def test_an_overdue_step_is_marked_and_escalated_once_to_the_head_then_once_to_the_manager(dispatched, net):
    step = open_step(dispatched)
    assert run_job(T0 + 71 * H) == 0
    assert run_job(T0 + 72 * H + timedelta(minutes=5)) == 1
    step.refresh_from_db()
    assert (step.escalation_level, step.overdue_at) == (1, T0 + 72 * H + timedelta(minutes=5))
    head = Escalation.objects.get()
    assert (head.level, head.department, head.step) == (Escalation.Level.DEPARTMENT_HEAD, net, step)

    assert run_job(T0 + 80 * H) == 0  # running again changes nothing
    assert run_job(T0 + 96 * H + timedelta(minutes=1)) == 1  # 24 h past due: on to the manager
    assert run_job(T0 + 97 * H) == 0
    assert run_job(T0 + 500 * H) == 0  # nothing above the manager
    assert list(Escalation.objects.order_by("level").values_list("level", "department")) == [(1, net.pk), (2, None)]
    step.refresh_from_db()
    assert step.escalation_level == 2 and step.overdue_at == T0 + 72 * H + timedelta(minutes=5)
    events = AuditEvent.objects.filter(action="complaint.escalate")
    assert events.count() == 2 and {e.actor.username for e in events} == {"system"}


def test_the_manager_delay_is_a_tariff_parameter(dispatched):
    TariffParameter.objects.filter(key="complaint.escalate_to_manager_hours").update(value="2")
    tariff_cache_clear()
    assert run_job(T0 + 73 * H) == 1
    assert run_job(T0 + 74 * H + timedelta(seconds=1)) == 1
    assert Escalation.objects.filter(level=2).count() == 1


def test_a_step_done_in_time_is_never_escalated_and_a_late_one_stops_at_closing(dispatched, handler):
    with time_machine.travel(T0 + 10 * H, tick=False):
        complaint = complaint_reply(actor=handler, complaint=dispatched, reply="已处理")
    assert run_job(T0 + 200 * H) == 1  # only the new check step (due 24 h after the reply) is overdue
    assert Escalation.objects.get().step.stage == Stage.CHECK
    assert complaint.steps.get(stage=Stage.HANDLE).escalation_level == 0


def test_a_step_passed_down_keeps_its_due_time_and_escalates_to_the_units_department(dispatched, handler, net_th,
                                                                                   head_net):
    with time_machine.travel(T0 + 1 * H, tick=False):
        complaint_pass_down(actor=handler, complaint=dispatched, unit=net_th)
    assert run_job(T0 + 73 * H) == 1
    escalation = Escalation.objects.get()
    assert escalation.department == net_th
    # The head of NET sees the escalation of its district unit in their queue.
    assert list(escalation_list_for_actor(actor=head_net)) == [escalation]


def test_a_job_killed_half_way_leaves_the_done_ones_done_and_the_next_run_finishes(file_complaint, reviewer, net,
                                                                                  monkeypatch):
    with time_machine.travel(T0, tick=False):
        complaints = [complaint_dispatch(actor=reviewer, complaint=file_complaint(), department=net) for _ in range(3)]
    real = timelimits.complaint_step_escalate
    calls = {"n": 0}

    def dies_on_the_second(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(timelimits, "complaint_step_escalate", dies_on_the_second)
    with pytest.raises(SystemExit):
        run_job(T0 + 73 * H)
    assert Escalation.objects.count() == 1
    monkeypatch.setattr(timelimits, "complaint_step_escalate", real)
    assert run_job(T0 + 73 * H + timedelta(minutes=5)) == 2
    assert sorted(Escalation.objects.values_list("step__complaint", flat=True)) == sorted(c.pk for c in complaints)


def test_the_beat_task_runs_the_job_as_the_system(dispatched):
    with time_machine.travel(T0 + 73 * H, tick=False):
        assert tasks.complaint_steps_escalate_overdue_task() == 1
        assert tasks.complaint_steps_escalate_overdue_task() == 0
    assert AuditEvent.objects.get(action="complaint.escalate").actor.is_system


# --- the notices in the escalated person's queue ----------------------------------------------------


def test_escalations_are_addressed_to_the_head_and_then_the_manager(dispatched, head_net, handler, manager, make_staff,
                                                                   bill):
    run_job(T0 + 73 * H)
    head_bill = grant(make_staff("department_handler", username="head_bill", hall=None, department=bill),
                      "lead_department")
    level1 = Escalation.objects.get()
    assert list(escalation_list_for_actor(actor=head_net)) == [level1]
    assert list(escalation_list_for_actor(actor=handler)) == []  # a handler who does not lead the department
    assert list(escalation_list_for_actor(actor=head_bill)) == []
    assert list(escalation_list_for_actor(actor=manager)) == []
    run_job(T0 + 97 * H)
    assert [e.level for e in escalation_list_for_actor(actor=manager)] == [Escalation.Level.MANAGER]


def test_a_level_one_notice_of_a_department_without_a_head_goes_to_the_managers_at_once(dispatched, manager, handler,
                                                                                         make_staff, net):
    run_job(T0 + 73 * H)  # the network department has a handler but no head
    level1 = Escalation.objects.get()
    assert level1.level == Escalation.Level.DEPARTMENT_HEAD
    assert list(escalation_list_for_actor(actor=manager)) == [level1]
    assert list(escalation_list_for_actor(actor=handler)) == []
    escalation_acknowledge(actor=manager, escalation=level1)
    assert Escalation.objects.get().acknowledged_by == manager
    assert AuditEvent.objects.filter(action="complaint.escalation_acknowledge").count() == 1


def test_once_the_department_has_a_head_the_managers_no_longer_get_its_level_one_notices(dispatched, manager,
                                                                                        make_staff, net):
    run_job(T0 + 73 * H)
    level1 = Escalation.objects.get()
    head = make_staff("department_handler", username="new_head", hall=None, department=net)
    grant(head, "lead_department")
    assert list(escalation_list_for_actor(actor=manager)) == []
    assert list(escalation_list_for_actor(actor=head)) == [level1]
    with pytest.raises(NotPermitted):
        escalation_acknowledge(actor=manager, escalation=level1)
    head.is_active = False  # the head leaves: the notice is the managers' again
    head.save(update_fields=["is_active"])
    assert list(escalation_list_for_actor(actor=manager)) == [level1]
    assert not Escalation.objects.filter(acknowledged_at__isnull=False).exists()


def test_the_head_acknowledges_the_notice_once(dispatched, head_net, make_staff, bill):
    run_job(T0 + 73 * H)
    escalation = Escalation.objects.get()
    head_bill = grant(make_staff("department_handler", username="head_bill", hall=None, department=bill),
                      "lead_department")
    with pytest.raises(NotPermitted):
        escalation_acknowledge(actor=head_bill, escalation=escalation)
    escalation_acknowledge(actor=head_net, escalation=escalation)
    escalation.refresh_from_db()
    assert escalation.acknowledged_by == head_net and escalation.acknowledged_at is not None
    assert list(escalation_list_for_actor(actor=head_net)) == []
    with pytest.raises(EscalationError) as exc:
        escalation_acknowledge(actor=head_net, escalation=escalation)
    assert exc.value.code == "escalation"
    assert AuditEvent.objects.filter(action="complaint.escalation_acknowledge").count() == 1


def test_a_complaint_still_with_branch_customer_service_escalates_to_its_head(file_complaint, make_staff, cs):
    with time_machine.travel(T0, tick=False):
        complaint = file_complaint()
    assert run_job(T0 + 25 * H) == 1
    head_cs = grant(make_staff("complaint_reviewer", username="head_cs", hall=None, department=cs), "lead_department")
    assert [e.step.complaint for e in escalation_list_for_actor(actor=head_cs)] == [complaint]
    assert Complaint.objects.get(pk=complaint.pk).status == Complaint.Status.TO_REVIEW  # escalation changes no state

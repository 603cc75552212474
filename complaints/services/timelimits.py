"""Time limits and escalation (process 11 "时限、责任管理", domain-rules A9).

Every open step has a due time: its stage's limit for the complaint's category (ComplaintTimeLimit,
else the tariff parameter complaint.<stage>_hours), never later than the regulatory answer deadline
for the stages before the customer is answered. The timed job `complaint_steps_escalate_overdue`
marks open steps past their due time as overdue and escalates each one level at a time: level 1 to
the head of the department holding it when it falls due, level 2 to the manager once it is still open
complaint.escalate_to_manager_hours later. A unique (step, level) row makes a second escalation of the
same step to the same level impossible, and each step is escalated in its own transaction under a
SKIP LOCKED row lock, so the job is safe to run twice, side by side, or to be killed half-way.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from boss.audit import audit_record
from boss.locks import lock, lock_by_key
from boss.models import Staff
from boss.tariffs import tariff
from complaints.models import ComplaintCategory, ComplaintStep, ComplaintTimeLimit, Escalation, Stage


def stage_hours(*, category: ComplaintCategory, stage: str) -> int:
    """The time limit of one stage for one category, in hours."""
    override = (ComplaintTimeLimit.objects.filter(category=category, stage=stage)
                .values_list("hours", flat=True).first())
    return override if override is not None else tariff(f"complaint.{stage}_hours")


def answer_days(category: ComplaintCategory) -> int:
    """Days within which the customer must be answered (regulatory clock, 15 by default)."""
    return category.answer_days or tariff("complaint.answer_days")


def step_due_at(*, complaint, stage: str, opened_at: datetime) -> datetime:
    due = opened_at + timedelta(hours=stage_hours(category=complaint.category, stage=stage))
    if stage != Stage.CALLBACK:
        # Until the customer is answered no stage may run past the regulatory deadline.
        due = min(due, complaint.answer_due_at)
    return due


def _escalation_candidates(*, now: datetime, limit: int) -> list[int]:
    to_manager = timedelta(hours=tariff("complaint.escalate_to_manager_hours"))
    return list(
        ComplaintStep.objects.filter(closed_at__isnull=True)
        .filter(Q(escalation_level=0, due_at__lte=now) | Q(escalation_level=1, due_at__lte=now - to_manager))
        .order_by("due_at", "pk").values_list("pk", flat=True)[:limit]
    )


@transaction.atomic
def complaint_step_escalate(*, actor: Staff, step_id: int, now: datetime | None = None) -> Escalation | None:
    """Mark one overdue open step and raise it one level. Returns the escalation, or None when there is
    nothing (left) to do: the step was closed, is not due for the next level, or another run holds it.

    Raises nothing for a step that is not eligible: running twice is a no-op by design.
    """
    now = now or timezone.now()
    # Only the step row is locked (of=self): the workflow services lock complaint, then step, and
    # never wait on this job, which skips rows that are locked instead of waiting for them.
    step = lock(ComplaintStep.objects.filter(pk=step_id), skip_locked=True).first()
    if step is not None:
        step = ComplaintStep.objects.select_related("complaint", "department").get(pk=step.pk)
    if step is None or step.closed_at is not None or step.due_at is None or step.due_at > now:
        return None
    level = step.escalation_level + 1
    if level == Escalation.Level.MANAGER:
        if step.due_at + timedelta(hours=tariff("complaint.escalate_to_manager_hours")) > now:
            return None
    elif level > Escalation.Level.MANAGER:
        return None
    try:
        with transaction.atomic():  # the unique (step, level) row is the last guard against a double
            escalation = Escalation.objects.create(
                step=step, level=level, escalated_at=now,
                department=step.department if level == Escalation.Level.DEPARTMENT_HEAD else None)
    except IntegrityError:
        return None
    step.escalation_level = level
    if step.overdue_at is None:
        step.overdue_at = now
    step.save(update_fields=["escalation_level", "overdue_at"])
    audit_record(actor=actor, action="complaint.escalate", target=step.complaint,
                 after={"step": step.pk, "stage": step.stage, "level": level,
                        "department": step.department.code if step.department else None,
                        "due_at": step.due_at.isoformat()})
    return escalation


def complaint_steps_escalate_overdue(*, actor: Staff, now: datetime | None = None, limit: int = 1000) -> int:
    """The timed job: escalate every open step that is due for its next level. Each step is its own
    transaction, so a job killed half-way leaves the done ones done and the next run finishes the rest.
    Returns how many escalations were made."""
    now = now or timezone.now()
    made = 0
    for step_id in _escalation_candidates(now=now, limit=limit):
        if complaint_step_escalate(actor=actor, step_id=step_id, now=now) is not None:
            made += 1
    return made


@transaction.atomic
def escalation_acknowledge(*, actor: Staff, escalation: Escalation) -> Escalation:
    """The escalated person takes note of an overdue step (the notice leaves their queue).

    Level 1 is for the head of the step's department (a holder of complaints.lead_department in that
    department or the department above a district unit); level 2 for a manager
    (complaints.receive_escalation). Raises NotPermitted, EscalationError.
    """
    from django.utils.translation import gettext as _

    from boss.errors import NotPermitted
    from complaints.errors import EscalationError

    lock_by_key(Escalation, escalation.pk)
    escalation = Escalation.objects.select_related("department", "step__complaint").get(pk=escalation.pk)
    if not escalation_is_for(actor=actor, escalation=escalation):
        raise NotPermitted(_("This escalation is not addressed to you."))
    if escalation.acknowledged_at is not None:
        raise EscalationError(_("This escalation was already acknowledged."))
    escalation.acknowledged_at, escalation.acknowledged_by = timezone.now(), actor
    escalation.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit_record(actor=actor, action="complaint.escalation_acknowledge", target=escalation.step.complaint,
                 after={"escalation": escalation.pk, "level": escalation.level})
    return escalation


def escalation_is_for(*, actor: Staff, escalation: Escalation) -> bool:
    """The same addressing as `escalation_list_for_actor` (a level-1 notice of a department without a
    head is the managers')."""
    from complaints.selectors import headed_departments

    if escalation.level == Escalation.Level.MANAGER:
        return actor.has_perm("complaints.receive_escalation")
    if actor.has_perm("complaints.receive_escalation") and not (
            escalation.department_id and headed_departments().filter(pk=escalation.department_id).exists()):
        return True
    if not actor.has_perm("complaints.lead_department") or actor.department_id is None:
        return False
    department = escalation.department
    return department is not None and actor.department_id in (department.pk, department.parent_id)

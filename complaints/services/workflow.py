"""The complaint work order from intake to callback (process 11, the branch complaint flowchart).

Every service locks the complaint row, then its open step (the fixed order: complaint, step), checks
the rules on what it locked, closes the open step with who/when/what, opens the next one with its due
time, and writes one audit event. The actor must belong to the department that holds the open step:
a handler cannot reply to a complaint that is not with their department, a reviewer of one branch
customer service cannot dispatch another's.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.services.refunds import refund_request
from boss.audit import audit_record
from boss.errors import DomainError
from boss.locks import lock, lock_by_key
from boss.models import Department, Staff
from boss.months import months_before
from boss.tariffs import tariff
from complaints.errors import (
    ComplaintConfigurationError,
    ComplaintInputError,
    ComplaintStateError,
    NotYourDepartmentError,
    OutOfScopeError,
)
from complaints.models import Article, ArticleUse, Complaint, ComplaintCategory, ComplaintStep, Stage
from complaints.services.timelimits import answer_days, step_due_at
from customers.errors import LineNotFoundError
from customers.models import Customer, Line
from customers.selectors import line_get_by_msisdn

Outcome = ComplaintStep.Outcome


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------


def _lock(complaint: Complaint) -> Complaint:
    lock_by_key(Complaint, complaint.pk)
    return Complaint.objects.select_related("category", "department").get(pk=complaint.pk)


def _open_step(complaint: Complaint) -> ComplaintStep | None:
    step = lock(ComplaintStep.objects.filter(complaint=complaint, closed_at__isnull=True)).first()
    return ComplaintStep.objects.select_related("department").get(pk=step.pk) if step else None


def _require_state(complaint: Complaint, transition) -> ComplaintStep:
    """The transition is allowed from the complaint's state; returns its open step (locked)."""
    from django_fsm import can_proceed

    if not can_proceed(transition):
        raise ComplaintStateError(status=complaint.status, number=complaint.number)
    step = _open_step(complaint)
    if step is None:  # cannot happen while the constraints hold; refuse rather than guess
        raise ComplaintStateError(status=complaint.status, number=complaint.number)
    return step


def _ensure_holds(actor, step: ComplaintStep) -> None:
    if actor.department_id is None or actor.department_id != step.department_id:
        raise NotYourDepartmentError(department=step.department.name if step.department else None)


def _held(actor, complaint: Complaint, transition: str) -> tuple[Complaint, ComplaintStep]:
    """Lock the complaint, then its open step; the transition must be allowed and the actor's department
    must hold the step. Returns the locked complaint and step."""
    complaint = _lock(complaint)
    step = _require_state(complaint, getattr(complaint, transition))
    _ensure_holds(actor, step)
    return complaint, step


def _text(value: str, field: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise ComplaintInputError(message, field=field)
    return value


def _close(step: ComplaintStep, *, actor, outcome: str, text: str, now, template_article=None) -> None:
    step.closed_at, step.closed_by, step.outcome, step.text = now, actor, outcome, text
    step.template_article = template_article
    step.save(update_fields=["closed_at", "closed_by", "outcome", "text", "template_article"])


def _open(complaint: Complaint, *, stage: str, department: Department, now, due_at=None) -> ComplaintStep:
    return ComplaintStep.objects.create(
        complaint=complaint, stage=stage, round=complaint.round, department=department, opened_at=now,
        due_at=due_at or step_due_at(complaint=complaint, stage=stage, opened_at=now))


def _department(department, *, kinds, field: str) -> Department:
    if department is None or department.kind not in kinds or not department.active:
        raise ComplaintInputError(_("Choose an active complaint department."), field=field)
    return department


def _category(category: ComplaintCategory) -> ComplaintCategory:
    if category is None or not category.active:
        raise ComplaintInputError(_("Choose a category that is in use."), field="category")
    return category


def _severity(severity: str) -> str:
    if severity not in Complaint.Severity.values:
        raise ComplaintInputError(_("Choose a severity."), field="severity")
    return severity


def _service_department(actor) -> Department:
    """The branch customer service that owns the complaint: the actor's own, else the first one set up."""
    if actor.department_id and actor.department.kind == Department.Kind.CUSTOMER_SERVICE:
        return actor.department
    department = (Department.objects.filter(kind=Department.Kind.CUSTOMER_SERVICE, active=True)
                  .order_by("code").first())
    if department is None:
        raise ComplaintConfigurationError(
            _("No branch customer service department is set up, so the complaint has nowhere to go. "
              "Ask the administrator to add one."))
    return department


def _refund_case_open(*, actor: Staff, complaint: Complaint):
    """Process 6 starts at complaint intake: open billing's refund case for the line's account. A line that
    does not pay by bank collection has nothing to refund: no case (the page says to tell the account
    room by hand), and the complaint is filed all the same."""
    line = complaint.line
    if line is None:
        return None
    try:
        with transaction.atomic():
            return refund_request(actor=actor, account=line.account, line=line,
                                  complaint_number=complaint.number or "", description=complaint.description)
    except DomainError:
        return None


def line_for_complaint(msisdn: str) -> Line | None:
    """The line a complaint about this number is about: the live one, else the latest cancelled one
    (billing disputes may come after cancellation); None for a number no line ever held."""
    try:
        return line_get_by_msisdn(msisdn=msisdn)
    except LineNotFoundError:
        return None


def _check_scope(*, category: ComplaintCategory, disputed_on: date | None, today: date) -> None:
    """Domain-rules A9: billing disputes older than 5 months, others older than 2 years, are out of scope."""
    if disputed_on is None:
        if category.billing_dispute:
            raise ComplaintInputError(_("Give the date of the disputed bill or charge."), field="disputed_on")
        return
    if disputed_on > today:
        raise ComplaintInputError(_("The disputed event cannot be in the future."), field="disputed_on")
    key = "complaint.billing_dispute_months" if category.billing_dispute else "complaint.other_dispute_months"
    months = tariff(key)
    if disputed_on < months_before(today, months):
        if category.billing_dispute:
            message = _("Billing disputes older than %(months)s months are out of scope (the disputed charge "
                        "is of %(date)s). Explain this to the customer; the complaint cannot be filed.")
        else:
            message = _("Disputes older than %(months)s months are out of scope (the disputed event is of "
                        "%(date)s). Explain this to the customer; the complaint cannot be filed.")
        raise OutOfScopeError(message % {"months": months, "date": disputed_on.isoformat()}, field="disputed_on",
                              months=months, disputed_on=disputed_on.isoformat())


def _snapshot(complaint: Complaint) -> dict:
    return {"status": complaint.status, "department": complaint.department.code if complaint.department else None,
            "round": complaint.round}


# --------------------------------------------------------------------------------------------------
# Intake
# --------------------------------------------------------------------------------------------------


@transaction.atomic
def complaint_open(*, actor: Staff, channel: str, category: ComplaintCategory, description: str,
                   severity: str = Complaint.Severity.NORMAL, msisdn: str = "", customer: Customer | None = None,
                   order_reference: str = "", caller_name: str = "", contact_phone: str = "",
                   disputed_on: date | None = None, solved_on_the_spot: bool = False, answer: str = "") -> Complaint:
    """File a complaint from any window; answer and close it at once when solved on the spot, else put it
    in branch customer service's review queue with the regulatory clock running.

    Raises ComplaintInputError (unknown number, no way to answer the customer, missing text ...),
    OutOfScopeError (dispute older than the tariff's months), ComplaintConfigurationError.
    """
    now, today = timezone.now(), timezone.localdate()
    if channel not in Complaint.Channel.values:
        raise ComplaintInputError(_("Choose the channel the complaint came in by."), field="channel")
    if channel == Complaint.Channel.COUNTER and actor.hall_id is None:
        raise ComplaintInputError(_("Only hall staff take complaints at the counter: choose another channel."),
                                  field="channel")
    category = _category(category)
    severity = _severity(severity)
    description = _text(description, "description", _("Describe the complaint."))

    line = None
    if msisdn and msisdn.strip():
        line = line_for_complaint(msisdn)
        if line is None:
            raise ComplaintInputError(_("No line has this number. Check the number or leave it empty."),
                                      field="msisdn")
        if customer is not None and customer.pk != line.customer_id:
            raise ComplaintInputError(_("This number belongs to another customer."), field="msisdn")
        customer = line.customer
    contact_phone = (contact_phone or "").strip()
    if line is None and not contact_phone:
        raise ComplaintInputError(_("Give the customer's mobile number or a contact number, so that the customer "
                                    "can be answered."), field="contact_phone")
    if category.starts_refund and line is None:
        raise ComplaintInputError(_("A complaint of over-deducted bank collection needs the customer's mobile "
                                    "number (its account is refunded)."), field="msisdn")
    _check_scope(category=category, disputed_on=disputed_on, today=today)
    if solved_on_the_spot:
        answer = _text(answer, "answer", _("Write the answer given to the customer."))

    complaint = Complaint(
        channel=channel, category=category, severity=severity, description=description, customer=customer,
        line=line, order_reference=(order_reference or "").strip(), caller_name=(caller_name or "").strip(),
        contact_phone=contact_phone, disputed_on=disputed_on, hall=actor.hall, taken_by=actor, received_at=now,
        answer_due_at=now + timedelta(days=answer_days(category)),
        service_department=_service_department(actor))
    complaint.save()
    complaint.number = f"TS{timezone.localtime(now):%Y%m%d}{complaint.pk:06d}"
    complaint.save(update_fields=["number"])

    ComplaintStep.objects.create(
        complaint=complaint, stage=Stage.INTAKE, department=actor.department, opened_at=now, closed_at=now,
        closed_by=actor, outcome=Outcome.SOLVED_ON_THE_SPOT if solved_on_the_spot else Outcome.FILED,
        text=answer if solved_on_the_spot else "")
    if solved_on_the_spot:
        complaint.solve_on_the_spot(by=actor, answer=answer, when=now)
        complaint.save()
    else:
        _open(complaint, stage=Stage.REVIEW, department=complaint.service_department, now=now)
        if category.starts_refund:
            complaint.refund_requested_at, complaint.refund_case = now, _refund_case_open(actor=actor,
                                                                                          complaint=complaint)
            complaint.save(update_fields=["refund_requested_at", "refund_case"])

    audit_record(actor=actor, action="complaint.open", target=complaint,
                 after={"channel": channel, "category": category.code, "severity": severity,
                        "status": complaint.status, "line": line.msisdn if line else None,
                        "refund_requested": bool(complaint.refund_requested_at)})
    return complaint


# --------------------------------------------------------------------------------------------------
# Branch customer service: dispatch, check, callback
# --------------------------------------------------------------------------------------------------


@transaction.atomic
def complaint_dispatch(*, actor: Staff, complaint: Complaint, department: Department,
                       category: ComplaintCategory | None = None, severity: str | None = None,
                       note: str = "") -> Complaint:
    """Classify a complaint and send it to the department responsible (派单).

    Raises ComplaintStateError (not waiting for review: closed, already dispatched ...),
    NotYourDepartmentError, ComplaintInputError.
    """
    now = timezone.now()
    complaint, step = _held(actor, complaint, "dispatch")
    department = _department(department, kinds=(Department.Kind.COMPLAINT,), field="department")
    before = _snapshot(complaint) | {"category": complaint.category.code, "severity": complaint.severity}
    if category is not None and category.pk != complaint.category_id:
        complaint.category = _category(category)
        complaint.answer_due_at = complaint.received_at + timedelta(days=answer_days(complaint.category))
    if severity:
        complaint.severity = _severity(severity)

    _close(step, actor=actor, outcome=Outcome.DISPATCHED, text=(note or "").strip(), now=now)
    complaint.dispatch(department=department)
    complaint.save()
    _open(complaint, stage=Stage.HANDLE, department=department, now=now)
    audit_record(actor=actor, action="complaint.dispatch", target=complaint, before=before,
                 after=_snapshot(complaint) | {"category": complaint.category.code, "severity": complaint.severity},
                 reason=note)
    return complaint


@transaction.atomic
def complaint_accept(*, actor: Staff, complaint: Complaint, answer: str) -> Complaint:
    """The reply handled the complaint effectively: record the answer given to the customer and open the
    callback. Raises ComplaintStateError, NotYourDepartmentError, ComplaintInputError."""
    now = timezone.now()
    complaint, step = _held(actor, complaint, "accept")
    answer = _text(answer, "answer", _("Write the answer given to the customer."))
    before = _snapshot(complaint)
    _close(step, actor=actor, outcome=Outcome.ACCEPTED, text=answer, now=now)
    complaint.accept(by=actor, answer=answer, when=now)
    complaint.save()
    _open(complaint, stage=Stage.CALLBACK, department=complaint.service_department, now=now)
    _survey_sms(complaint)
    audit_record(actor=actor, action="complaint.accept", target=complaint, before=before, after=_snapshot(complaint))
    return complaint


def _survey_sms(complaint: Complaint) -> None:
    """The satisfaction survey's SMS to the complainant's mobile (none for a landline), in this transaction:
    the complaint is handled and the callback will ask whether they are satisfied. Once per complaint."""
    from notifications.services import notification_number_ok, notification_queue

    phone = (complaint.contact_phone or "").strip()
    if notification_number_ok(phone):
        notification_queue(template="complaints.satisfaction_survey", msisdn=phone,
                           params={"number": complaint.number or str(complaint.pk)},
                           key=f"complaints.survey:{complaint.pk}", hall=complaint.hall,
                           reference=f"complaint:{complaint.pk}")


@transaction.atomic
def complaint_redispatch(*, actor: Staff, complaint: Complaint, reason: str,
                         department: Department | None = None) -> Complaint:
    """The reply did not handle the complaint effectively: send it back to a department (the one that
    replied unless another is chosen) with the reason; a new round starts and the old one stays.

    Raises ComplaintStateError, NotYourDepartmentError, ComplaintInputError.
    """
    now = timezone.now()
    complaint, step = _held(actor, complaint, "redispatch")
    reason = _text(reason, "reason", _("Say why the reply did not handle the complaint."))
    department = _department(department or complaint.department,
                             kinds=(Department.Kind.COMPLAINT, Department.Kind.DISTRICT), field="department")
    before = _snapshot(complaint)
    _close(step, actor=actor, outcome=Outcome.REJECTED, text=reason, now=now)
    complaint.redispatch(department=department)
    complaint.save()
    _open(complaint, stage=Stage.HANDLE, department=department, now=now)
    audit_record(actor=actor, action="complaint.redispatch", target=complaint, before=before,
                 after=_snapshot(complaint), reason=reason)
    return complaint


@transaction.atomic
def complaint_callback(*, actor: Staff, complaint: Complaint, satisfaction: str, note: str = "") -> Complaint:
    """Record the callback (回访) and the satisfaction survey result; the complaint is closed.

    Raises ComplaintStateError, NotYourDepartmentError, ComplaintInputError.
    """
    now = timezone.now()
    complaint, step = _held(actor, complaint, "close_after_callback")
    if satisfaction not in Complaint.Satisfaction.values:
        raise ComplaintInputError(_("Record the customer's satisfaction."), field="satisfaction")
    before = _snapshot(complaint)
    _close(step, actor=actor, outcome=Outcome.CALLED_BACK, text=(note or "").strip(), now=now)
    complaint.close_after_callback(satisfaction=satisfaction, when=now)
    complaint.save()
    audit_record(actor=actor, action="complaint.callback", target=complaint, before=before,
                 after=_snapshot(complaint) | {"satisfaction": satisfaction})
    return complaint


# --------------------------------------------------------------------------------------------------
# Departments: pass down, return, reply
# --------------------------------------------------------------------------------------------------


@transaction.atomic
def complaint_pass_down(*, actor: Staff, complaint: Complaint, unit: Department, note: str = "") -> Complaint:
    """A department passes a complaint to one of its district units. The time limit runs on: the unit's
    step keeps the department's due time. Raises ComplaintStateError, NotYourDepartmentError,
    ComplaintInputError."""
    now = timezone.now()
    complaint, step = _held(actor, complaint, "pass_down")
    if (unit is None or unit.kind != Department.Kind.DISTRICT or unit.parent_id != step.department_id
            or not unit.active):
        raise ComplaintInputError(_("Choose one of your department's district units."), field="unit")
    before = _snapshot(complaint)
    _close(step, actor=actor, outcome=Outcome.PASSED_DOWN, text=(note or "").strip(), now=now)
    complaint.pass_down(unit=unit)
    complaint.save()
    _open(complaint, stage=Stage.HANDLE, department=unit, now=now, due_at=step.due_at)
    audit_record(actor=actor, action="complaint.pass_down", target=complaint, before=before,
                 after=_snapshot(complaint), reason=note)
    return complaint


@transaction.atomic
def complaint_return(*, actor: Staff, complaint: Complaint, reason: str) -> Complaint:
    """Refuse or withdraw a dispatched complaint (退单): it goes back to branch customer service's review
    queue with the reason. Raises ComplaintStateError, NotYourDepartmentError, ComplaintInputError."""
    now = timezone.now()
    complaint, step = _held(actor, complaint, "return_to_service")
    reason = _text(reason, "reason", _("Say why the complaint is returned."))
    before = _snapshot(complaint)
    _close(step, actor=actor, outcome=Outcome.RETURNED, text=reason, now=now)
    complaint.return_to_service()
    complaint.save()
    _open(complaint, stage=Stage.REVIEW, department=complaint.service_department, now=now)
    audit_record(actor=actor, action="complaint.return", target=complaint, before=before,
                 after=_snapshot(complaint), reason=reason)
    return complaint


@transaction.atomic
def complaint_reply(*, actor: Staff, complaint: Complaint, reply: str,
                    template_article: Article | None = None) -> Complaint:
    """The handler's reply (回单); it goes to branch customer service to be checked. An answer template
    inserted from the knowledge base is counted as used.

    Raises ComplaintStateError, NotYourDepartmentError (not dispatched to the actor's department),
    ComplaintInputError.
    """
    now = timezone.now()
    complaint, step = _held(actor, complaint, "reply")
    reply = _text(reply, "reply", _("Write the reply."))
    if template_article is not None and template_article.kind != Article.Kind.ANSWER_TEMPLATE:
        raise ComplaintInputError(_("Only answer templates can be inserted into a reply."), field="reply")
    before = _snapshot(complaint)
    _close(step, actor=actor, outcome=Outcome.REPLIED, text=reply, now=now, template_article=template_article)
    complaint.reply()
    complaint.save()
    _open(complaint, stage=Stage.CHECK, department=complaint.service_department, now=now)
    if template_article is not None:
        ArticleUse.objects.create(article=template_article, used_by=actor, used_at=now, complaint=complaint)
    audit_record(actor=actor, action="complaint.reply", target=complaint, before=before,
                 after=_snapshot(complaint) | {"template": template_article.pk if template_article else None})
    return complaint

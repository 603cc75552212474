"""Group customers and VPMN acceptance (processes.md section 7): the counter's application with the member
list and the call-out, the store manager's signature, the big-customer room's group number and import with
the members' SMS notice, the rep's opening of the discount per number, members leaving.

Each service locks what it changes in the one order (customer, line, then the group's rows), checks after
locking, writes one audit event. A refusal writes nothing.
"""

import csv
import io
from collections.abc import Iterable, Sequence

import django_fsm as fsm
from django.db import IntegrityError, transaction
from django.utils import timezone

from boss.audit import audit_record
from boss.errors import NotPermitted
from boss.locks import lock, lock_by_key
from boss.masking import mask_msisdn
from boss.models import Staff
from boss.months import month_end
from boss.permissions import ensure_same_hall
from catalog.models import Discount
from customers.identity import identity_validate
from customers.models import Customer, CustomerIdentity, Line, LineDiscount
from groups.errors import (
    GroupCreditCodeError,
    GroupIndividualError,
    MemberListError,
    VpmnAlreadyError,
    VpmnApproverError,
    VpmnCalloutPendingError,
    VpmnConfigurationError,
    VpmnCounterError,
    VpmnDocumentsError,
    VpmnDuplicateError,
    VpmnNoConfirmedError,
    VpmnNotYetError,
    VpmnNumberTakenError,
    VpmnStateError,
)
from groups.memberlist import MemberRow, rows_check
from groups.models import GroupCustomer, VpmnApplication, VpmnCandidate, VpmnMember
from notifications.services import notification_queue
from provisioning.models import WorkOrder
from provisioning.services import work_order_create

VPMN_DISCOUNT_CODE = "VPMN_GROUP"
D = VpmnApplication.Document
C = VpmnCandidate.Callout


# --------------------------------------------------------------------------------------------------
# Group customers
# --------------------------------------------------------------------------------------------------


@transaction.atomic
def group_customer_register(*, actor: Staff, customer: Customer, key_contact_name: str, key_contact_phone: str,
                            level: str = GroupCustomer.Level.C, account_manager: Staff | None = None) -> GroupCustomer:
    """Make an organization customer a group customer (the group number comes later from the big-customer
    room). Raises GroupIndividualError, GroupCreditCodeError."""
    customer = lock_by_key(Customer, customer.pk)
    if customer.kind != Customer.Kind.ORGANIZATION:
        raise GroupIndividualError()
    identity = CustomerIdentity.objects.filter(pk=customer.identity_id).first()
    if identity is None or identity.doc_type != CustomerIdentity.DocType.USCC:
        raise GroupCreditCodeError()
    try:
        identity_validate(identity.doc_type, identity.number)   # the GB 32100 check digit (domain-rules A4)
    except Exception:
        raise GroupCreditCodeError() from None
    existing = GroupCustomer.objects.filter(customer=customer).first()
    if existing is not None:
        return existing
    hall = actor.hall or customer.created_hall
    if hall is None:
        raise NotPermitted()
    group = GroupCustomer.objects.create(customer=customer, key_contact_name=key_contact_name.strip()[:100],
                                         key_contact_phone=key_contact_phone.strip()[:20], level=level,
                                         account_manager=account_manager, hall=hall)
    audit_record(actor=actor, action="group.register", target=group, after={"level": level})
    return group


def group_has_vpmn(group: GroupCustomer) -> bool:
    return group.vpmn_applications.filter(kind=VpmnApplication.Kind.NEW, state=VpmnApplication.State.OPEN).exists()


# --------------------------------------------------------------------------------------------------
# The application at the counter
# --------------------------------------------------------------------------------------------------


def vpmn_documents_required(*, agent: bool) -> list[str]:
    """Application form, member list, the agent's ID; a group is an organization: licence copy, company
    authorization and the contact person's ID too (processes.md 7)."""
    required: list[str] = [D.APPLICATION_FORM, D.MEMBER_LIST, D.LICENCE_COPY, D.AUTHORIZATION, D.CONTACT_ID]
    if agent:
        required.append(D.AGENT_ID)
    return required


def member_rows_check(*, group: GroupCustomer, rows: Sequence[MemberRow]) -> list[tuple[MemberRow, Line]]:
    """Every row validated (number format, our live line, not in another VPMN group, the owner's consent when
    the line is not the group's own). Raises MemberListError with every bad row's reason; writes nothing."""
    from django.utils.translation import gettext as _

    def reason_for(row: MemberRow, line: Line):
        if line.status != Line.Status.ACTIVE:
            return _("the line is not in service (%(state)s)") % {"state": line.get_status_display()}
        if VpmnMember.objects.filter(line=line, left_at__isnull=True).exclude(group=group).exists():
            return _("already a member of another VPMN group")
        if VpmnMember.objects.filter(line=line, left_at__isnull=True, group=group).exists():
            return _("already a member of this group")
        if line.customer_id != group.customer_id and not row.owner_consent:
            return _("the owner's consent is needed")
        return None

    good, bad = rows_check(rows, reason_for)
    if bad:
        raise MemberListError(rows=bad)
    return good


@transaction.atomic
def vpmn_application_create(*, actor: Staff, group: GroupCustomer, rows: Sequence[MemberRow],
                            documents_checked: Iterable[str], agent: bool = False,
                            kind: str = VpmnApplication.Kind.NEW) -> VpmnApplication:
    """Accept a VPMN application (or a member addition) at a designated counter with its member list.

    Raises VpmnCounterError, VpmnAlreadyError, VpmnNotYetError, VpmnDuplicateError, VpmnDocumentsError,
    MemberListError."""
    from django.utils.translation import gettext as _

    if not actor.has_perm("groups.vpmn_counter"):
        raise VpmnCounterError()
    lock_by_key(Customer, group.customer_id)
    group = lock_by_key(GroupCustomer, group.pk)
    has_vpmn = group_has_vpmn(group)
    if kind == VpmnApplication.Kind.NEW and has_vpmn:
        raise VpmnAlreadyError()
    if kind == VpmnApplication.Kind.ADD and not has_vpmn:
        raise VpmnNotYetError()
    if group.vpmn_applications.filter(state__in=VpmnApplication.ACTIVE_STATES).exists():
        raise VpmnDuplicateError()
    checked = [d for d in dict.fromkeys(documents_checked) if d in D.values]
    missing = [d for d in vpmn_documents_required(agent=agent) if d not in checked]
    if missing:
        raise VpmnDocumentsError(_("Check these documents first: %(docs)s.")
                                 % {"docs": "、".join(str(D(d).label) for d in missing)}, missing=missing)
    accepted = member_rows_check(group=group, rows=rows)
    application = VpmnApplication.objects.create(group=group, kind=kind, hall=actor.hall, created_by=actor,
                                                 documents_checked=checked)
    VpmnCandidate.objects.bulk_create([
        VpmnCandidate(application=application, msisdn=line.msisdn, line=line, owner_consent=row.owner_consent)
        for row, line in accepted])
    audit_record(actor=actor, action="vpmn.apply", target=application,
                 after={"kind": kind, "numbers": len(accepted), "documents": checked})
    return application


def _application_lock(application: VpmnApplication) -> VpmnApplication:
    return lock_by_key(VpmnApplication, application.pk)


@transaction.atomic
def vpmn_callout_record(*, actor: Staff, application: VpmnApplication, msisdn: str, result: str) -> VpmnCandidate:
    """Record the rep's call to one number on the list: confirmed, refused or no answer (with time and rep).
    Raises VpmnStateError, InvalidInputError."""
    from django.utils.translation import gettext as _

    from boss.errors import InvalidInputError

    application = _application_lock(application)
    ensure_same_hall(actor=actor, hall_id=application.hall_id)
    if application.state != VpmnApplication.State.DRAFT:
        raise VpmnStateError()
    if result not in (C.CONFIRMED, C.REFUSED, C.NO_ANSWER):
        raise InvalidInputError(_("Record the result of the call."), field="result")
    candidate = application.candidates.filter(msisdn=msisdn).first()
    if candidate is None:
        raise InvalidInputError(_("This number is not on the application's list."), field="msisdn")
    before = candidate.callout
    candidate.callout, candidate.called_at, candidate.called_by = result, timezone.now(), actor
    candidate.save(update_fields=["callout", "called_at", "called_by"])
    audit_record(actor=actor, action="vpmn.callout", target=application,
                 before={"msisdn": mask_msisdn(msisdn), "callout": before}, after={"callout": result})
    return candidate


@transaction.atomic
def vpmn_application_sign(*, actor: Staff, application: VpmnApplication, approver: Staff) -> VpmnApplication:
    """The store manager signs the VPMN agreement (authenticated with their own password by the caller,
    boss.permissions.approver_authenticate); the application goes to the big-customer room's worklist.
    Raises VpmnApproverError, VpmnStateError, VpmnCalloutPendingError, VpmnNoConfirmedError."""
    application = _application_lock(application)
    ensure_same_hall(actor=actor, hall_id=application.hall_id)
    if not approver.has_perm("groups.sign_vpmn") or approver.hall_id != application.hall_id:
        raise VpmnApproverError()
    if not fsm.can_proceed(application.sign):
        raise VpmnStateError()
    pending = list(application.candidates.filter(callout=C.PENDING).values_list("msisdn", flat=True))
    if pending:
        raise VpmnCalloutPendingError(numbers=[mask_msisdn(m) for m in pending])
    if not application.candidates.filter(callout=C.CONFIRMED).exists():
        raise VpmnNoConfirmedError()
    application.sign(by=approver, when=timezone.now())
    application.save()
    audit_record(actor=actor, action="vpmn.sign", target=application, after={"signed_by": approver.username})
    return application


# --------------------------------------------------------------------------------------------------
# The big-customer room
# --------------------------------------------------------------------------------------------------


def _import_file(group: GroupCustomer, numbers: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["group_number", "group_name", "msisdn"])
    for msisdn in numbers:
        writer.writerow([group.group_number, group.customer.name, msisdn])
    return out.getvalue()


@transaction.atomic
def vpmn_group_issue(*, actor: Staff, application: VpmnApplication) -> VpmnApplication:
    """The big-customer room issues the group number (a new VPMN), imports the group into the big-customer
    system (the export file is kept on the application) and sends every confirmed member the SMS notice.
    Raises VpmnStateError."""
    application = _application_lock(application)
    if not fsm.can_proceed(application.issue):
        raise VpmnStateError()
    group = lock_by_key(GroupCustomer, application.group_id)
    if not group.group_number:
        group.group_number = f"JT{group.hall.code}{group.pk:06d}"
        group.save(update_fields=["group_number", "updated_at"])
    numbers = list(application.candidates.filter(callout=C.CONFIRMED).order_by("id").values_list("msisdn", flat=True))
    application.issue(by=actor, when=timezone.now(), import_file=_import_file(group, numbers))
    application.save()
    for msisdn in numbers:
        notification_queue(template="groups.vpmn_member_notice", msisdn=msisdn,
                           params={"group": group.customer.name, "number": group.group_number},
                           key=f"groups.vpmn-notice:{application.pk}:{msisdn}", hall=application.hall,
                           reference=f"vpmn:{application.pk}")
    audit_record(actor=actor, action="vpmn.issue", target=application,
                 after={"group_number": group.group_number, "members": len(numbers)})
    return application


# --------------------------------------------------------------------------------------------------
# The rep opens the discount per number; members leave
# --------------------------------------------------------------------------------------------------


def _vpmn_discount() -> Discount:
    discount = Discount.objects.filter(code=VPMN_DISCOUNT_CODE, active=True).first()
    if discount is None:
        raise VpmnConfigurationError()
    return discount


def _features_payload(line: Line, *, vpmn: str | None) -> dict:
    features = {lf.feature.code: True for lf in line.line_features.filter(until__isnull=True).select_related("feature")}
    return {"features": features, "vpmn_group": vpmn or ""}


@transaction.atomic
def vpmn_discounts_open(*, actor: Staff, application: VpmnApplication) -> list[VpmnMember]:
    """Open the VPMN discount for every confirmed number: the membership, the per-number discount on the bill
    from today, and one provisioning work order per number. Lines are locked (in number order) before the
    application; a number another group took meanwhile refuses the whole opening.
    Raises VpmnStateError, VpmnNumberTakenError, VpmnConfigurationError."""
    candidates = list(VpmnCandidate.objects.filter(application=application, callout=C.CONFIRMED).order_by("line_id"))
    lines = {ln.pk: ln for ln in lock(Line.objects.filter(pk__in=[c.line_id for c in candidates]).order_by("pk"))}
    application = _application_lock(application)
    ensure_same_hall(actor=actor, hall_id=application.hall_id)
    if not fsm.can_proceed(application.open):
        raise VpmnStateError()
    discount = _vpmn_discount()
    group = application.group
    today = timezone.localdate()
    members = []
    for cand in candidates:
        line = lines[cand.line_id]
        if line.status != Line.Status.ACTIVE:
            raise MemberListError(rows=[{"msisdn": line.msisdn, "reason": line.get_status_display()}])
        if VpmnMember.objects.filter(line=line, left_at__isnull=True).exists():
            raise VpmnNumberTakenError(msisdn=line.msisdn)
        try:
            with transaction.atomic():
                member = VpmnMember.objects.create(group=group, line=line, application=application, since=today)
        except IntegrityError:   # another counter's transaction committed the number first
            raise VpmnNumberTakenError(msisdn=line.msisdn) from None
        members.append(member)
        if not LineDiscount.objects.filter(line=line, discount=discount, until__isnull=True).exists():
            LineDiscount.objects.create(line=line, discount=discount, since=today)
        work_order_create(action=WorkOrder.Action.SET_FEATURES, msisdn=line.msisdn, line=line, hall=application.hall,
                          payload=_features_payload(line, vpmn=group.group_number),
                          reference=f"vpmn:{application.pk}")
    application.open(by=actor, when=timezone.now())
    application.save()
    audit_record(actor=actor, action="vpmn.open", target=application, after={"members": len(members)})
    return members


@transaction.atomic
def vpmn_member_remove(*, actor: Staff, member: VpmnMember, reason: str = "") -> VpmnMember:
    """A member leaves the group: the discount ends with this month (from the next month it is gone) and the
    network is told. Only at a designated counter, as joining. Raises VpmnCounterError, VpmnStateError when it
    has already left."""
    if not actor.has_perm("groups.vpmn_counter"):
        raise VpmnCounterError()
    line = lock_by_key(Line, member.line_id)
    member = lock_by_key(VpmnMember, member.pk)
    if member.left_at is not None:
        raise VpmnStateError()
    group = GroupCustomer.objects.get(pk=member.group_id)
    ensure_same_hall(actor=actor, hall_id=group.hall_id)
    end = month_end(timezone.localdate())
    member.until, member.left_at = end, timezone.now()
    member.save(update_fields=["until", "left_at"])
    LineDiscount.objects.filter(line=line, discount__code=VPMN_DISCOUNT_CODE, until__isnull=True).update(
        until=end, updated_at=timezone.now())
    work_order_create(action=WorkOrder.Action.SET_FEATURES, msisdn=line.msisdn, line=line, hall=actor.hall,
                      payload=_features_payload(line, vpmn=None), reference=f"vpmn-leave:{member.pk}")
    audit_record(actor=actor, action="vpmn.leave", target=group, reason=(reason or "").strip()[:200],
                 after={"msisdn": mask_msisdn(line.msisdn), "until": end.isoformat()})
    return member

"""Group SMS pre-acceptance (集团短信, processes.md section 8): the counter of a self-operated hall takes the
application with its documents (the information security responsibility letter only with its official seal)
and, for the cluster-network tariff, the verified member numbers; the hall hands it to the big-customer room
the same day (a timed job flags those that were not); the room receives it for the data-business room, which
builds the platform data and records the platform account (the password is generated, stored hashed and
shown once); the room mails the opening notice (registered mail) and confirms by phone: then it is open.

Each service locks the application before checking, writes one audit event; a refusal writes nothing.
"""

import re
import secrets
import string
from collections.abc import Iterable, Sequence
from datetime import datetime

import django_fsm as fsm
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone

from boss.audit import audit_record
from boss.errors import NotPermitted
from boss.locks import lock, lock_by_key
from boss.models import Hall, Staff
from boss.permissions import ensure_same_hall
from customers.models import Customer, Line
from groups.errors import (
    GroupIndividualError,
    GroupNotRegisteredError,
    GroupSmsAccountError,
    GroupSmsDocumentsError,
    GroupSmsDuplicateError,
    GroupSmsHallError,
    GroupSmsLetterSealError,
    GroupSmsMailNumberError,
    GroupSmsMemberListError,
    GroupSmsStateError,
)
from groups.memberlist import MemberRow, rows_check
from groups.models import GroupCustomer, GroupSmsApplication, GroupSmsMember
from notifications.services import notification_number_ok, notification_queue

S = GroupSmsApplication.State
SD = GroupSmsApplication.Document
ACCOUNT_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
MAIL_NUMBER_RE = re.compile(r"^[A-Z]{2}\d{9}[A-Z]{2}$")   # UPU S10, as China Post numbers registered mail


def group_sms_documents_required(*, government_body: bool, pays_cash: bool, agent: bool) -> list[str]:
    """The letter; the licence copy with seal (a government body: its unit letter with seal); the bank seal
    card unless the customer pays cash; the agent's ID when an agent applies (processes.md 8)."""
    required: list[str] = [SD.SECURITY_LETTER, SD.UNIT_LETTER_SEALED if government_body else SD.LICENCE_COPY_SEALED]
    if not pays_cash:
        required.append(SD.BANK_SEAL_CARD)
    if agent:
        required.append(SD.AGENT_ID)
    return required


def cluster_numbers_check(rows: Sequence[MemberRow]) -> list[Line]:
    """The cluster-network numbers verified in the system: a mobile number, our line, live and not barred.
    Raises GroupSmsMemberListError with every bad row's reason; writes nothing."""
    from django.utils.translation import gettext as _

    if not rows:
        raise GroupSmsMemberListError(_("The cluster-network tariff needs the member numbers."), rows=[])

    def reason_for(row: MemberRow, line: Line):
        if line.status == Line.Status.PENDING_ACTIVATION:
            return _("the line is not in service (%(state)s)") % {"state": line.get_status_display()}
        if line.status != Line.Status.ACTIVE:
            return _("the line is barred (%(state)s)") % {"state": line.get_status_display()}
        return None

    good, bad = rows_check(rows, reason_for)
    if bad:
        raise GroupSmsMemberListError(rows=bad)
    return [line for _row, line in good]


@transaction.atomic
def group_sms_application_create(*, actor: Staff, customer: Customer, purpose: str, documents_checked: Iterable[str],
                                 letter_seal_checked: bool, government_body: bool = False, pays_cash: bool = False,
                                 agent: bool = False, cluster_network: bool = False,
                                 rows: Sequence[MemberRow] = ()) -> GroupSmsApplication:
    """Pre-accept group SMS at the counter. Raises GroupSmsHallError, GroupIndividualError,
    GroupNotRegisteredError, GroupSmsDuplicateError, GroupSmsDocumentsError, GroupSmsLetterSealError,
    GroupSmsMemberListError, InvalidInputError."""
    from django.utils.translation import gettext as _

    from boss.errors import InvalidInputError

    if not actor.has_perm("groups.accept_group_sms"):
        raise NotPermitted()
    hall = Hall.objects.filter(pk=actor.hall_id).first() if actor.hall_id else None
    if hall is None or hall.kind != Hall.Kind.SELF_OPERATED or not hall.group_sms_allowed:
        raise GroupSmsHallError()
    customer = lock_by_key(Customer, customer.pk)
    if customer.kind != Customer.Kind.ORGANIZATION:
        raise GroupIndividualError()
    group = lock(GroupCustomer.objects.filter(customer=customer)).first()
    if group is None:
        raise GroupNotRegisteredError()
    if group.sms_applications.filter(state__in=GroupSmsApplication.ACTIVE_STATES).exists():
        raise GroupSmsDuplicateError()
    purpose = (purpose or "").strip()
    if not purpose:
        raise InvalidInputError(_("Say what the group's messages are for."), field="purpose")
    checked = [d for d in dict.fromkeys(documents_checked) if d in SD.values]
    missing = [d for d in group_sms_documents_required(government_body=government_body, pays_cash=pays_cash,
                                                       agent=agent) if d not in checked]
    if missing:
        raise GroupSmsDocumentsError(_("Check these documents first: %(docs)s.")
                                     % {"docs": "、".join(str(SD(d).label) for d in missing)}, missing=missing)
    if not letter_seal_checked:
        raise GroupSmsLetterSealError()
    lines = cluster_numbers_check(rows) if cluster_network else []
    application = GroupSmsApplication.objects.create(
        group=group, hall=hall, purpose=purpose[:200], government_body=government_body, pays_cash=pays_cash,
        agent=agent, documents_checked=checked, letter_seal_checked=True, cluster_network=cluster_network,
        created_by=actor)
    GroupSmsMember.objects.bulk_create([GroupSmsMember(application=application, msisdn=ln.msisdn, line=ln)
                                        for ln in lines])
    audit_record(actor=actor, action="group_sms.apply", target=application,
                 after={"documents": checked, "cluster_network": cluster_network, "numbers": len(lines)})
    return application


def _locked(application: GroupSmsApplication) -> GroupSmsApplication:
    return lock_by_key(GroupSmsApplication, application.pk)


def _require(actor: Staff, perm: str) -> None:
    if not actor.has_perm(perm):
        raise NotPermitted()


@transaction.atomic
def group_sms_hand_over(*, actor: Staff, application: GroupSmsApplication) -> GroupSmsApplication:
    """The hall hands the original application to the big-customer room (due the day it was taken).
    Raises NotPermitted, GroupSmsStateError."""
    _require(actor, "groups.accept_group_sms")
    application = _locked(application)
    ensure_same_hall(actor=actor, hall_id=application.hall_id)
    if not fsm.can_proceed(application.hand_over):
        raise GroupSmsStateError()
    application.hand_over(by=actor, when=timezone.now())
    application.save()
    audit_record(actor=actor, action="group_sms.hand_over", target=application,
                 after={"late": application.handover_overdue_at is not None})
    return application


@transaction.atomic
def group_sms_receive(*, actor: Staff, application: GroupSmsApplication) -> GroupSmsApplication:
    """The big-customer room receives the application and passes it to the data-business room.
    Raises NotPermitted, GroupSmsStateError."""
    _require(actor, "groups.handle_group_sms")
    application = _locked(application)
    if not fsm.can_proceed(application.receive):
        raise GroupSmsStateError()
    application.receive(by=actor, when=timezone.now())
    application.save()
    audit_record(actor=actor, action="group_sms.receive", target=application)
    return application


def _new_password() -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(12))


@transaction.atomic
def group_sms_platform_build(*, actor: Staff, application: GroupSmsApplication,
                             account: str) -> tuple[GroupSmsApplication, str]:
    """The data-business room builds the platform data and records the platform account; the password is
    generated here, stored hashed only, and returned once (to be shown once). Raises NotPermitted,
    GroupSmsStateError, GroupSmsAccountError."""
    from django.utils.translation import gettext as _

    _require(actor, "groups.build_group_sms_platform")
    application = _locked(application)
    if not fsm.can_proceed(application.build):
        raise GroupSmsStateError()
    account = (account or "").strip()
    if not ACCOUNT_RE.match(account):
        raise GroupSmsAccountError(_("A platform account is 4 to 32 letters, digits or underscores, starting with "
                                     "a letter."))
    if GroupSmsApplication.objects.filter(platform_account__iexact=account).exists():
        raise GroupSmsAccountError(_("This platform account is already taken."))
    password = _new_password()
    application.build(by=actor, when=timezone.now(), account=account, password_hash=make_password(password))
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:   # another application took the account meanwhile
        raise GroupSmsAccountError(_("This platform account is already taken.")) from None
    audit_record(actor=actor, action="group_sms.platform_build", target=application, after={"account": account})
    return application, password


@transaction.atomic
def group_sms_notice_send(*, actor: Staff, application: GroupSmsApplication,
                          registered_mail_number: str) -> GroupSmsApplication:
    """The big-customer room mails the opening notice (with the service centre's seal) by registered mail.
    Raises NotPermitted, GroupSmsStateError, GroupSmsMailNumberError."""
    _require(actor, "groups.handle_group_sms")
    application = _locked(application)
    if not fsm.can_proceed(application.send_notice):
        raise GroupSmsStateError()
    number = (registered_mail_number or "").strip().upper()
    if not MAIL_NUMBER_RE.match(number):
        raise GroupSmsMailNumberError()
    application.send_notice(by=actor, when=timezone.now(), mail_number=number)
    application.save()
    audit_record(actor=actor, action="group_sms.notice_send", target=application, after={"mail_number": number})
    return application


@transaction.atomic
def group_sms_phone_confirm(*, actor: Staff, application: GroupSmsApplication, note: str) -> GroupSmsApplication:
    """The big-customer room confirms by phone that the customer has the notice: the service is open.
    Raises NotPermitted, GroupSmsStateError, InvalidInputError."""
    from django.utils.translation import gettext as _

    from boss.errors import InvalidInputError

    _require(actor, "groups.handle_group_sms")
    application = _locked(application)
    if not fsm.can_proceed(application.confirm):
        raise GroupSmsStateError()
    note = (note or "").strip()
    if not note:
        raise InvalidInputError(_("Record whom you spoke to and what they confirmed."), field="confirmation_note")
    application.confirm(by=actor, when=timezone.now(), note=note[:200])
    application.save()
    notified = _opened_sms(application)
    audit_record(actor=actor, action="group_sms.open", target=application, after={"sms_to": notified})
    return application


def _opened_sms(application: GroupSmsApplication) -> str:
    """The group hears by SMS that the service is open: the key contact's mobile, else the organization's
    contact mobile. Returns to whom ("key_contact", "customer" or "" when neither number is a mobile)."""
    group = GroupCustomer.objects.select_related("customer").get(pk=application.group_id)
    for who, number in (("key_contact", group.key_contact_phone), ("customer", group.customer.contact_phone)):
        number = (number or "").strip()
        if notification_number_ok(number):
            notification_queue(template="groups.group_sms_open", msisdn=number,
                               params={"group": group.customer.name, "number": application.number,
                                       "account": application.platform_account or ""},
                               key=f"groups.group-sms-open:{application.pk}", hall=application.hall,
                               reference=f"group_sms:{application.pk}")
            return who
    return ""


def group_sms_handover_overdue_flag(*, actor: Staff, now: datetime | None = None) -> int:
    """The timed job: flag every application still at the hall after the day it was taken. Each one is its
    own transaction and flagged once, so running twice or being killed half-way is harmless. Returns how many
    were flagged."""
    now = now or timezone.now()
    day_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    ids = list(GroupSmsApplication.objects.filter(state=S.ACCEPTED, created_at__lt=day_start,
                                                  handover_overdue_at__isnull=True).values_list("pk", flat=True))
    flagged = 0
    for pk in ids:
        with transaction.atomic():
            application = lock(GroupSmsApplication.objects.filter(pk=pk)).first()
            if application is None or application.state != S.ACCEPTED or application.handover_overdue_at:
                continue
            application.handover_overdue_at = now
            application.save(update_fields=["handover_overdue_at", "updated_at"])
            audit_record(actor=actor, action="group_sms.handover_overdue", target=application)
            flagged += 1
    return flagged


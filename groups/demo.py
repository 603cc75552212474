"""Demo group business: rep1's counter is the designated VPMN counter; one group with VPMN open and one
application signed and waiting on the big-customer room's worklist (bigcust1's home screen); two group SMS
applications in progress, one handed over to the big-customer room, one with the data-business room
(databiz1's home screen). Idempotent."""

from django.contrib.auth.models import Permission

from boss.models import Staff
from customers.models import Customer, Line
from groups.memberlist import MemberRow
from groups.models import GroupCustomer, GroupSmsApplication, VpmnApplication
from groups.services import (
    group_customer_register,
    group_sms_application_create,
    group_sms_documents_required,
    group_sms_hand_over,
    group_sms_receive,
    vpmn_application_create,
    vpmn_application_sign,
    vpmn_callout_record,
    vpmn_discounts_open,
    vpmn_documents_required,
    vpmn_group_issue,
)


def _vpmn_discount() -> None:
    """The VPMN discount its migration (0002) puts in the catalogue, again if a test database's flush removed it."""
    import importlib

    from django.apps import apps as django_apps

    importlib.import_module("groups.migrations.0002_vpmn_discount").create(django_apps, None)


def load_history(stdout=None) -> None:
    _vpmn_discount()
    rep, manager, room = (Staff.objects.filter(username=u).first() for u in ("rep1", "store1", "bigcust1"))
    if rep is None or manager is None or room is None or VpmnApplication.objects.exists():
        return
    rep.user_permissions.add(Permission.objects.get(codename="vpmn_counter", content_type__app_label="groups"))
    rep = Staff.objects.get(pk=rep.pk)
    lines = list(Line.objects.filter(status=Line.Status.ACTIVE, hall=rep.hall).order_by("pk")[:6])
    orgs = list(Customer.objects.filter(kind=Customer.Kind.ORGANIZATION).order_by("pk")[:2])
    if len(lines) < 6 or len(orgs) < 2:
        return
    groups = [group_customer_register(actor=rep, customer=org, key_contact_name="周敏", key_contact_phone="13900001234",
                                      level=level, account_manager=Staff.objects.filter(username="cmgr1").first())
              for org, level in zip(orgs, ("A", "B"), strict=True)]
    for group, members, finish in ((groups[0], lines[:3], True), (groups[1], lines[3:6], False)):
        rows = [MemberRow(row=i, msisdn=ln.msisdn, owner_consent=True) for i, ln in enumerate(members, start=1)]
        app = vpmn_application_create(actor=rep, group=group, rows=rows,
                                      documents_checked=vpmn_documents_required(agent=False))
        for ln in members:
            vpmn_callout_record(actor=rep, application=app, msisdn=ln.msisdn, result="confirmed")
        vpmn_application_sign(actor=rep, application=app, approver=manager)
        if finish:
            vpmn_group_issue(actor=room, application=app)
            vpmn_discounts_open(actor=rep, application=app)
    for group, to_data_room in ((groups[0], True), (groups[1], False)):
        app = group_sms_application_create(
            actor=rep, customer=group.customer, purpose="员工通知和会议提醒", letter_seal_checked=True,
            documents_checked=group_sms_documents_required(government_body=False, pays_cash=False, agent=False))
        group_sms_hand_over(actor=rep, application=app)
        if to_data_room:
            group_sms_receive(actor=room, application=app)
    if stdout:
        stdout.write(f"Groups: {GroupCustomer.objects.count()} groups; rep1 is the designated VPMN counter; "
                     f"bigcust1 and databiz1 have work on their worklists "
                     f"({GroupSmsApplication.objects.count()} group SMS applications).\n")

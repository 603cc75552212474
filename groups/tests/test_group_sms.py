"""Group SMS pre-acceptance (processes.md 8) from the counter to open, every refusal writing nothing, and the
timed job that flags applications not handed over on their day."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.hashers import check_password
from django.utils import timezone

from boss.errors import InvalidInputError, NotPermitted
from boss.models import AuditEvent, Hall
from customers.models import Line
from customers.tests.factories import CustomerFactory, LineFactory, OrganizationFactory
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
from groups.models import GroupCustomer, GroupSmsApplication, GroupSmsMember
from groups.services import (
    group_sms_application_create,
    group_sms_documents_required,
    group_sms_hand_over,
    group_sms_handover_overdue_flag,
    group_sms_notice_send,
    group_sms_phone_confirm,
    group_sms_platform_build,
    group_sms_receive,
)
from groups.tests.conftest import rows
from notifications.models import SmsMessage

pytestmark = pytest.mark.django_db
DOCS = group_sms_documents_required(government_body=False, pays_cash=False, agent=False)


@pytest.fixture
def sms_hall(hall):
    Hall.objects.filter(pk=hall.pk).update(group_sms_allowed=True)
    hall.refresh_from_db()
    return hall


@pytest.fixture
def sms_rep(make_staff, sms_hall):
    return make_staff("sales_rep")


@pytest.fixture
def databiz(make_staff):
    return make_staff("data_business_room", hall=None)


def _apply(rep, group, **kw):
    kw.setdefault("documents_checked", DOCS)
    kw.setdefault("letter_seal_checked", True)
    kw.setdefault("purpose", "员工通知短信")
    return group_sms_application_create(actor=rep, customer=group.customer, **kw)


def _writes():
    return (GroupSmsApplication.objects.count(), GroupSmsMember.objects.count(),
            AuditEvent.objects.filter(action__startswith="group_sms.").count())


def test_the_whole_flow_from_counter_to_open(sms_rep, room, databiz, group, own_lines):
    app = _apply(sms_rep, group, cluster_network=True, rows=rows(*[ln.msisdn for ln in own_lines]))
    assert app.state == "accepted" and app.members.count() == 3 and app.letter_seal_checked
    group_sms_hand_over(actor=sms_rep, application=app)
    group_sms_receive(actor=room, application=app)
    app, password = group_sms_platform_build(actor=databiz, application=app, account="corp_notice01")
    app.refresh_from_db()
    assert app.state == "platform_ready" and app.platform_account == "corp_notice01"
    # The password is stored hashed only, and appears in no audit event.
    assert len(password) == 12 and password not in app.platform_password
    assert check_password(password, app.platform_password)
    assert not any(password in str(e.after) for e in AuditEvent.objects.all())
    group_sms_notice_send(actor=room, application=app, registered_mail_number="xa123456789cn")
    group_sms_phone_confirm(actor=room, application=app, note="王经理确认已收到开通通知")
    app.refresh_from_db()
    assert app.state == "open" and app.registered_mail_number == "XA123456789CN"
    assert (app.handed_over_by, app.received_by, app.platform_built_by, app.notice_sent_by, app.confirmed_by) == (
        sms_rep, room, databiz, room, room)
    assert list(AuditEvent.objects.filter(action__startswith="group_sms.").order_by("id")
                .values_list("action", flat=True)) == [
        "group_sms.apply", "group_sms.hand_over", "group_sms.receive", "group_sms.platform_build",
        "group_sms.notice_send", "group_sms.open"]
    # The key contact hears by SMS that the service is open, once, through the outbox.
    sms = SmsMessage.objects.get(template="groups.group_sms_open")
    assert (sms.msisdn, sms.key, sms.reference) == ("13900001111", f"groups.group-sms-open:{app.pk}",
                                                    f"group_sms:{app.pk}")
    assert "集团短信业务已开通" in sms.body and app.number in sms.body and "corp_notice01" in sms.body
    assert AuditEvent.objects.get(action="group_sms.open").after == {"sms_to": "key_contact"}


def _to_notice_sent(app, rep, room, databiz, account):
    group_sms_hand_over(actor=rep, application=app)
    group_sms_receive(actor=room, application=app)
    group_sms_platform_build(actor=databiz, application=app, account=account)
    group_sms_notice_send(actor=room, application=app, registered_mail_number="XA123456789CN")
    return app


def test_the_open_sms_goes_to_the_organization_when_the_key_contact_has_a_landline(sms_rep, room, databiz, group):
    from customers.models import Customer

    GroupCustomer.objects.filter(pk=group.pk).update(key_contact_phone="020-83331234")
    Customer.objects.filter(pk=group.customer_id).update(contact_phone="13700007777")
    app = _to_notice_sent(_apply(sms_rep, group), sms_rep, room, databiz, "corp_a1")
    group_sms_phone_confirm(actor=room, application=app, note="已确认")
    assert list(SmsMessage.objects.values_list("msisdn", flat=True)) == ["13700007777"]
    # Neither number a mobile: the service still opens, no message is written, the audit says so.
    other = OrganizationFactory(contact_phone="020-83330001")
    g2 = GroupCustomer.objects.create(customer=other, key_contact_name="赵六", key_contact_phone="83331235",
                                      hall=group.hall)
    app2 = _to_notice_sent(_apply(sms_rep, g2), sms_rep, room, databiz, "corp_a2")
    group_sms_phone_confirm(actor=room, application=app2, note="已确认")
    app2.refresh_from_db()
    assert app2.state == "open" and SmsMessage.objects.count() == 1
    assert AuditEvent.objects.filter(action="group_sms.open").order_by("id").last().after == {"sms_to": ""}


def test_documents_depend_on_the_customer():
    assert group_sms_documents_required(government_body=True, pays_cash=True, agent=True) == [
        "security_letter", "unit_letter_sealed", "agent_id"]
    assert group_sms_documents_required(government_body=False, pays_cash=False, agent=False) == [
        "security_letter", "licence_copy_sealed", "bank_seal_card"]


def test_a_government_body_paying_cash_needs_no_licence_and_no_bank_card(sms_rep, group):
    app = _apply(sms_rep, group, government_body=True, pays_cash=True,
                 documents_checked=["security_letter", "unit_letter_sealed"])
    assert app.state == "accepted"


@pytest.mark.parametrize("case", ["hall", "individual", "not_registered", "seal", "documents", "purpose",
                                  "duplicate", "numbers", "no_numbers", "role"])
def test_refusals_write_nothing(case, sms_rep, make_staff, group, hall, own_lines):
    customer, kw, actor = group.customer, {}, sms_rep
    expected: type[Exception]
    if case == "hall":
        Hall.objects.filter(pk=hall.pk).update(group_sms_allowed=False)
        expected = GroupSmsHallError
    elif case == "individual":
        customer, expected = CustomerFactory(), GroupIndividualError
    elif case == "not_registered":
        customer, expected = OrganizationFactory(), GroupNotRegisteredError
    elif case == "seal":
        kw["letter_seal_checked"], expected = False, GroupSmsLetterSealError
    elif case == "documents":
        kw["documents_checked"], expected = ["security_letter", "licence_copy_sealed"], GroupSmsDocumentsError
    elif case == "purpose":
        kw["purpose"], expected = "  ", InvalidInputError
    elif case == "duplicate":
        _apply(sms_rep, group)
        expected = GroupSmsDuplicateError
    elif case == "numbers":
        Line.objects.filter(pk=own_lines[1].pk).update(status=Line.Status.SUSPENDED_ARREARS)
        kw.update(cluster_network=True, rows=rows(own_lines[0].msisdn, own_lines[1].msisdn, "13700000000", "123"))
        expected = GroupSmsMemberListError
    elif case == "no_numbers":
        kw.update(cluster_network=True, rows=[])
        expected = GroupSmsMemberListError
    else:
        actor, expected = make_staff("account_clerk"), NotPermitted
    before = _writes()
    kw.setdefault("documents_checked", DOCS)
    kw.setdefault("letter_seal_checked", True)
    kw.setdefault("purpose", "员工通知短信")
    with pytest.raises(expected) as exc:
        group_sms_application_create(actor=actor, customer=customer, **kw)
    assert _writes() == before
    assert str(exc.value.message)
    if case == "documents":
        assert exc.value.params["missing"] == ["bank_seal_card"] and "银行印鉴卡" in str(exc.value.message)
    if case == "seal":
        assert "公章" in str(exc.value.message)
    if case == "hall":
        assert "自营厅" in str(exc.value.message)
    if case == "individual":
        assert "个人" in str(exc.value.message)
    if case == "numbers":
        reasons = {r["row"]: r["reason"] for r in exc.value.params["rows"]}
        assert set(reasons) == {2, 3, 4} and "停机" in reasons[2]


@pytest.fixture
def accepted(sms_rep, group):
    return _apply(sms_rep, group)


def test_steps_only_in_order_and_by_their_room(accepted, sms_rep, room, databiz, make_staff, other_hall):
    with pytest.raises(GroupSmsStateError):
        group_sms_receive(actor=room, application=accepted)
    with pytest.raises(NotPermitted):
        group_sms_receive(actor=databiz, application=accepted)
    with pytest.raises(NotPermitted):   # another hall's rep
        group_sms_hand_over(actor=make_staff("sales_rep", hall=other_hall), application=accepted)
    with pytest.raises(NotPermitted):
        group_sms_platform_build(actor=room, application=accepted, account="abcd")
    accepted.refresh_from_db()
    assert accepted.state == "accepted" and accepted.handed_over_at is None
    group_sms_hand_over(actor=sms_rep, application=accepted)
    with pytest.raises(GroupSmsStateError):
        group_sms_hand_over(actor=sms_rep, application=accepted)
    assert AuditEvent.objects.filter(action="group_sms.hand_over").count() == 1


def _to_building(app, rep, room):
    group_sms_hand_over(actor=rep, application=app)
    return group_sms_receive(actor=room, application=app)


def test_platform_account_format_and_uniqueness(accepted, sms_rep, room, databiz, make_staff):
    app = _to_building(accepted, sms_rep, room)
    for bad in ("", "1abc", "ab", "has space", "x" * 33):
        with pytest.raises(GroupSmsAccountError):
            group_sms_platform_build(actor=databiz, application=app, account=bad)
    other = GroupSmsApplication.objects.create(group=app.group, hall=app.hall, purpose="x", created_by=sms_rep,
                                               state="open", platform_account="Taken_1")
    with pytest.raises(GroupSmsAccountError) as exc:
        group_sms_platform_build(actor=databiz, application=app, account="taken_1")
    assert "已被占用" in str(exc.value.message)
    app.refresh_from_db()
    assert app.state == "building" and app.platform_account is None and app.platform_password == ""
    assert not AuditEvent.objects.filter(action="group_sms.platform_build").exists() and other.pk


def test_notice_needs_a_registered_mail_number_and_confirmation_a_note(accepted, sms_rep, room, databiz):
    app = _to_building(accepted, sms_rep, room)
    group_sms_platform_build(actor=databiz, application=app, account="corp01")
    for bad in ("", "123", "XA12345678CN", "XA1234567890CN"):
        with pytest.raises(GroupSmsMailNumberError):
            group_sms_notice_send(actor=room, application=app, registered_mail_number=bad)
    app.refresh_from_db()
    assert app.state == "platform_ready" and app.registered_mail_number == ""
    group_sms_notice_send(actor=room, application=app, registered_mail_number="XA123456789CN")
    with pytest.raises(InvalidInputError):
        group_sms_phone_confirm(actor=room, application=app, note=" ")
    app.refresh_from_db()
    assert app.state == "notice_sent" and app.confirmed_at is None


def test_the_day_end_job_flags_applications_not_handed_over_once(sms_rep, group, make_staff):
    from boss.permissions import system_actor

    late = _apply(sms_rep, group)
    GroupSmsApplication.objects.filter(pk=late.pk).update(created_at=timezone.now() - timedelta(days=1))
    other_group = type(group).objects.create(customer=OrganizationFactory(), key_contact_name="赵",
                                             key_contact_phone="13900002222", hall=group.hall)
    today = _apply(sms_rep, other_group)
    system = system_actor()
    assert group_sms_handover_overdue_flag(actor=system) == 1
    assert group_sms_handover_overdue_flag(actor=system) == 0          # run twice: flagged once
    late.refresh_from_db()
    today.refresh_from_db()
    assert late.handover_overdue_at is not None and today.handover_overdue_at is None
    assert AuditEvent.objects.filter(action="group_sms.handover_overdue").count() == 1
    # Handing over late is still possible and says it was late.
    group_sms_hand_over(actor=sms_rep, application=late)
    assert AuditEvent.objects.get(action="group_sms.hand_over").after == {"late": True}


def test_the_day_end_job_killed_half_way_finishes_on_the_next_run(sms_rep, group):
    from boss.permissions import system_actor

    groups = [group] + [type(group).objects.create(customer=OrganizationFactory(), key_contact_name="赵",
                                                   key_contact_phone="13900002222", hall=group.hall)
                        for _ in range(2)]
    apps = [_apply(sms_rep, g) for g in groups]
    GroupSmsApplication.objects.update(created_at=timezone.now() - timedelta(days=1))
    from boss import audit

    real, calls = audit.audit_record, []

    def dies_on_second(**kw):
        calls.append(1)
        if len(calls) == 2:
            raise SystemExit("worker killed")
        return real(**kw)

    with mock.patch("groups.services.sms.audit_record", side_effect=dies_on_second), pytest.raises(SystemExit):
        group_sms_handover_overdue_flag(actor=system_actor())
    assert GroupSmsApplication.objects.filter(handover_overdue_at__isnull=False).count() == 1
    assert group_sms_handover_overdue_flag(actor=system_actor()) == 2
    assert all(GroupSmsApplication.objects.get(pk=a.pk).handover_overdue_at for a in apps)
    assert AuditEvent.objects.filter(action="group_sms.handover_overdue").count() == 3


def test_a_line_of_another_customer_may_be_a_cluster_number(sms_rep, group, hall):
    stranger = LineFactory(customer=CustomerFactory(), hall=hall, msisdn="13900008888")
    app = _apply(sms_rep, group, cluster_network=True, rows=rows(stranger.msisdn))
    assert list(app.members.values_list("msisdn", flat=True)) == [stranger.msisdn]

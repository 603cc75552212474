"""VPMN acceptance (processes.md 7) from the counter to open, and every refusal writing nothing."""

import pytest
from django.utils import timezone

from boss.models import AuditEvent
from customers.models import LineDiscount
from customers.tests.factories import LineFactory, OrganizationFactory
from groups.errors import (
    GroupCreditCodeError,
    GroupIndividualError,
    MemberListError,
    VpmnAlreadyError,
    VpmnApproverError,
    VpmnCalloutPendingError,
    VpmnCounterError,
    VpmnDocumentsError,
    VpmnDuplicateError,
    VpmnNumberTakenError,
)
from groups.memberlist import member_rows_from_file, member_rows_from_text
from groups.models import GroupCustomer, VpmnApplication, VpmnCandidate, VpmnMember
from groups.services import (
    group_customer_register,
    vpmn_application_create,
    vpmn_application_sign,
    vpmn_callout_record,
    vpmn_discounts_open,
    vpmn_documents_required,
    vpmn_group_issue,
    vpmn_member_remove,
)
from groups.tests.conftest import rows
from notifications.models import SmsMessage
from provisioning.models import WorkOrder

pytestmark = pytest.mark.django_db
DOCS = vpmn_documents_required(agent=False)


def _apply(rep, group, numbers, **kw):
    kw.setdefault("documents_checked", DOCS)
    return vpmn_application_create(actor=rep, group=group, rows=rows(*numbers, consent=kw.pop("consent", ())), **kw)


def _writes():
    return (VpmnApplication.objects.count(), VpmnCandidate.objects.count(), VpmnMember.objects.count(),
            LineDiscount.objects.count(), WorkOrder.objects.count(), SmsMessage.objects.count(),
            AuditEvent.objects.filter(action__startswith="vpmn.").count())


def _to_open(rep, manager, room, group, numbers, confirm=None, **kw):
    app = _apply(rep, group, numbers, **kw)
    for n in numbers:
        vpmn_callout_record(actor=rep, application=app, msisdn=n,
                            result="confirmed" if confirm is None or n in confirm else "refused")
    vpmn_application_sign(actor=rep, application=app, approver=manager)
    vpmn_group_issue(actor=room, application=app)
    vpmn_discounts_open(actor=rep, application=app)
    app.refresh_from_db()
    return app


def test_the_whole_flow_from_counter_to_open(counter_rep, store_manager, room, group, own_lines, private_line):
    numbers = [ln.msisdn for ln in own_lines] + [private_line.msisdn]
    app = _apply(counter_rep, group, numbers, consent=[private_line.msisdn])
    assert app.state == "draft" and app.candidates.count() == 4
    for n in numbers[:3]:
        vpmn_callout_record(actor=counter_rep, application=app, msisdn=n, result="confirmed")
    vpmn_callout_record(actor=counter_rep, application=app, msisdn=numbers[3], result="refused")
    vpmn_application_sign(actor=counter_rep, application=app, approver=store_manager)
    app.refresh_from_db()
    assert app.state == "signed" and app.signed_by == store_manager
    vpmn_group_issue(actor=room, application=app)
    group.refresh_from_db()
    app.refresh_from_db()
    assert group.group_number == f"JT{group.hall.code}{group.pk:06d}"
    assert app.import_file.splitlines()[1].startswith(group.group_number) and len(app.import_file.splitlines()) == 4
    notices = SmsMessage.objects.filter(template="groups.vpmn_member_notice")
    assert sorted(notices.values_list("msisdn", flat=True)) == numbers[:3]   # only confirmed numbers
    assert group.customer.name in notices.first().body and "集团" in notices.first().body
    vpmn_discounts_open(actor=counter_rep, application=app)
    app.refresh_from_db()
    assert app.state == "open"
    assert set(VpmnMember.objects.values_list("line__msisdn", flat=True)) == set(numbers[:3])
    assert LineDiscount.objects.filter(discount__code="VPMN_GROUP", until__isnull=True).count() == 3
    orders = WorkOrder.objects.filter(reference=f"vpmn:{app.pk}", action="set_features")
    assert orders.count() == 3 and orders.first().payload["vpmn_group"] == group.group_number


def test_a_member_leaves_and_the_discount_ends_with_the_month(counter_rep, store_manager, room, group, own_lines):
    from boss.months import month_end

    _to_open(counter_rep, store_manager, room, group, [own_lines[0].msisdn])
    member = VpmnMember.objects.get()
    vpmn_member_remove(actor=counter_rep, member=member, reason="客户要求")
    member.refresh_from_db()
    end = month_end(timezone.localdate())
    assert member.until == end and member.left_at is not None
    assert LineDiscount.objects.get(discount__code="VPMN_GROUP").until == end
    # the line may join a group again (at most one at a time)
    assert not VpmnMember.objects.filter(line=own_lines[0], left_at__isnull=True).exists()


def test_members_are_added_later_by_the_same_rules(counter_rep, store_manager, room, group, own_lines):
    _to_open(counter_rep, store_manager, room, group, [own_lines[0].msisdn])
    with pytest.raises(VpmnAlreadyError) as exc:
        _apply(counter_rep, group, [own_lines[1].msisdn])
    assert exc.value.message == "该集团已开通 VPMN：请改为增加成员。"
    _to_open(counter_rep, store_manager, room, group, [own_lines[1].msisdn], kind="add")
    assert VpmnMember.objects.filter(group=group, left_at__isnull=True).count() == 2


# ---- refusals: each with its translated reason, nothing written ----------------------------------------------


def test_only_at_a_designated_counter(make_staff, group, own_lines):
    before = _writes()
    with pytest.raises(VpmnCounterError) as exc:
        _apply(make_staff("sales_rep"), group, [own_lines[0].msisdn])
    assert exc.value.status == 403 and exc.value.message == "VPMN 只能在指定柜台受理。"
    assert _writes() == before


def test_never_for_individuals_and_only_with_a_valid_credit_code(counter_rep):
    from customers.tests.factories import CustomerFactory

    with pytest.raises(GroupIndividualError) as exc:
        group_customer_register(actor=counter_rep, customer=CustomerFactory(), key_contact_name="王五",
                                key_contact_phone="13900002222")
    assert str(exc.value.message) == "集团业务只面向单位客户，不受理个人客户。"
    org = OrganizationFactory()
    org.identity.number = org.identity.number[:-1] + ("0" if org.identity.number[-1] != "0" else "1")
    org.identity.save()
    with pytest.raises(GroupCreditCodeError):
        group_customer_register(actor=counter_rep, customer=org, key_contact_name="王五", key_contact_phone="1390000")
    assert not GroupCustomer.objects.exists()
    group = group_customer_register(actor=counter_rep, customer=OrganizationFactory(), key_contact_name="王五",
                                    key_contact_phone="13900002222", level="A")
    assert group.level == "A" and group.group_number is None


def test_documents_missing(counter_rep, group, own_lines):
    before = _writes()
    with pytest.raises(VpmnDocumentsError) as exc:
        _apply(counter_rep, group, [own_lines[0].msisdn], documents_checked=DOCS[:-1])
    assert "联系人身份证件" in str(exc.value.message) and exc.value.params["missing"] == ["contact_id"]
    with pytest.raises(VpmnDocumentsError):
        _apply(counter_rep, group, [own_lines[0].msisdn], agent=True)   # the agent's ID too
    assert _writes() == before


def test_every_bad_row_gets_its_reason_and_nothing_is_written(counter_rep, store_manager, room, group, own_lines,
                                                               private_line, hall):
    other = GroupCustomer.objects.create(customer=OrganizationFactory(), key_contact_name="赵六",
                                         key_contact_phone="13900003333", hall=hall)
    taken = LineFactory(customer=other.customer, hall=hall, msisdn="13800005555")
    _to_open(counter_rep, store_manager, room, other, [taken.msisdn])
    suspended = LineFactory(customer=group.customer, hall=hall, msisdn="13800006666", status="suspended_request")
    before = _writes()
    with pytest.raises(MemberListError) as exc:
        _apply(counter_rep, group, [own_lines[0].msisdn, "12345", "13700000000", suspended.msisdn, taken.msisdn,
                                    private_line.msisdn, own_lines[0].msisdn])
    reasons = {r["row"]: r["reason"] for r in exc.value.params["rows"]}
    assert reasons == {2: "不是手机号码", 3: "不是本网号码", 4: "号码不在服务状态（报停）",
                       5: "已是其他集团 V 网成员", 6: "需要机主同意", 7: "重复列出"}
    assert exc.value.status == 400
    assert _writes() == before


def test_a_number_not_yet_called_blocks_the_signature(counter_rep, store_manager, group, own_lines):
    app = _apply(counter_rep, group, [ln.msisdn for ln in own_lines])
    vpmn_callout_record(actor=counter_rep, application=app, msisdn=own_lines[0].msisdn, result="confirmed")
    before = _writes()
    with pytest.raises(VpmnCalloutPendingError) as exc:
        vpmn_application_sign(actor=counter_rep, application=app, approver=store_manager)
    assert "138****0001" in str(exc.value.message) and "尚未外呼" in str(exc.value.message)
    app.refresh_from_db()
    assert app.state == "draft" and _writes() == before


def test_only_the_halls_store_manager_signs(counter_rep, make_staff, group, own_lines, other_hall):
    app = _apply(counter_rep, group, [own_lines[0].msisdn])
    vpmn_callout_record(actor=counter_rep, application=app, msisdn=own_lines[0].msisdn, result="confirmed")
    for approver in (make_staff("sales_rep"), make_staff("store_manager", hall=other_hall)):
        with pytest.raises(VpmnApproverError) as exc:
            vpmn_application_sign(actor=counter_rep, application=app, approver=approver)
        assert exc.value.message == "只有本厅的店面经理可以签署 VPMN 协议。"
    app.refresh_from_db()
    assert app.state == "draft" and app.signed_by is None


def test_a_duplicate_application_is_refused(counter_rep, group, own_lines):
    _apply(counter_rep, group, [own_lines[0].msisdn])
    before = _writes()
    with pytest.raises(VpmnDuplicateError) as exc:
        _apply(counter_rep, group, [own_lines[1].msisdn])
    assert exc.value.message == "该集团已有一份办理中的 VPMN 申请。"
    assert _writes() == before


def test_a_number_another_group_took_meanwhile_refuses_the_whole_opening(counter_rep, store_manager, room, group,
                                                                         own_lines, private_line, hall):
    other = GroupCustomer.objects.create(customer=OrganizationFactory(), key_contact_name="赵六",
                                         key_contact_phone="13900003333", hall=hall)
    numbers = [own_lines[0].msisdn, private_line.msisdn]
    first = _apply(counter_rep, group, numbers, consent=numbers)
    for n in numbers:
        vpmn_callout_record(actor=counter_rep, application=first, msisdn=n, result="confirmed")
    vpmn_application_sign(actor=counter_rep, application=first, approver=store_manager)
    vpmn_group_issue(actor=room, application=first)
    _to_open(counter_rep, store_manager, room, other, [private_line.msisdn], consent=[private_line.msisdn])
    before = _writes()
    with pytest.raises(VpmnNumberTakenError) as exc:
        vpmn_discounts_open(actor=counter_rep, application=first)
    assert exc.value.message == "号码 13900009999 已是其他集团 V 网成员。"
    first.refresh_from_db()
    assert first.state == "issued" and _writes() == before


# ---- member lists -----------------------------------------------------------------------------------------------


def test_member_lists_typed_or_uploaded_as_csv_or_xlsx():
    import io

    from openpyxl import Workbook

    from boss.errors import InvalidInputError

    typed = member_rows_from_text("13800000000\n13900000000，是\n\n")
    assert [(r.msisdn, r.owner_consent) for r in typed] == [("13800000000", False), ("13900000000", True)]
    csv_rows = member_rows_from_file(name="list.csv", content="号码,机主同意\n13800000000,1\n".encode("gb18030"))
    assert [(r.row, r.msisdn, r.owner_consent) for r in csv_rows] == [(2, "13800000000", True)]
    book = Workbook()
    book.active.append(["号码", "机主同意"])
    book.active.append([13800000000, "是"])
    buf = io.BytesIO()
    book.save(buf)
    assert member_rows_from_file(name="list.XLSX", content=buf.getvalue())[0].msisdn == "13800000000"
    for name, content in (("list.xlsx", b"not a zip"), ("list.pdf", b"%PDF"), ("list.csv", b"\n\n")):
        with pytest.raises(InvalidInputError):
            member_rows_from_file(name=name, content=content)

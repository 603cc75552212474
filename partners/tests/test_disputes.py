"""Commission disputes on a channel partner's monthly statement: recorded (by the agent's store manager for
its own partner), resolved by the marketing manager (accepted, partly, rejected), shown on the statement
(screen, PDF, XLSX) with what is payable; each refusal with its Chinese reason and nothing written."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from boss.errors import NotPermitted
from boss.models import AuditEvent, Hall
from partners.commissions import commission_statement
from partners.errors import DisputeFieldError, DisputeStateError
from partners.models import CommissionDispute
from partners.services import partner_hall_link
from partners.services.disputes import commission_dispute_open, commission_dispute_resolve

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def world(hall, admin_user, agent_partner, make_staff):
    Hall.objects.filter(pk=hall.pk).update(kind=Hall.Kind.PARTNER, group_sms_allowed=False)
    hall.refresh_from_db()
    partner_hall_link(actor=admin_user, partner=agent_partner, hall=hall)

    class W:
        pass

    w = W()
    w.hall, w.partner = hall, agent_partner
    w.month = timezone.localdate().replace(day=1)
    w.agent = make_staff("store_manager", username="agent_boss2", hall=hall)
    w.marketing = make_staff("manager", username="mkt_mgr", hall=None)
    return w


def _open(w, amount="30.00", **kw):
    return commission_dispute_open(actor=w.agent, partner=w.partner, month=w.month, amount=amount,
                                   description=kw.pop("description", "少算了2笔开户"), hall=kw.pop("hall", w.hall),
                                   **kw)


def test_a_dispute_is_recorded_resolved_and_changes_what_is_payable(world):
    dispute = _open(world)
    statement = commission_statement(partner=world.partner, month=world.month)
    assert statement.open_disputes == 1 and statement.adjustments == 0 and statement.payable == statement.totals.total
    commission_dispute_resolve(actor=world.marketing, dispute=dispute, outcome="partly", adjustment="20.00",
                               resolution="核实1笔开户在本月，另1笔在下月")
    rejected = _open(world, amount="-5.00", description="充值多算", hall=None)
    commission_dispute_resolve(actor=world.marketing, dispute=rejected, outcome="rejected", resolution="无误")
    statement = commission_statement(partner=world.partner, month=world.month)
    assert (statement.adjustments, statement.payable, statement.open_disputes) == (D("20.00"), D("20.00"), 0)
    assert list(AuditEvent.objects.filter(action__startswith="partner.dispute").values_list("action", flat=True)
                .order_by("pk")) == ["partner.dispute_open", "partner.dispute_resolve", "partner.dispute_open",
                                     "partner.dispute_resolve"]


@pytest.mark.parametrize("kwargs,field,message", [
    ({"amount": "0"}, "amount", "请输入有争议的金额（不能为零）。"),
    ({"amount": "abc"}, "amount", "请输入以元为单位的金额，例如 25.00 或 -25.00。"),
    ({"description": "  "}, "description", "请说明对账单哪里有误。"),
    ({"month_offset": 40}, "month", "请选择本月或更早的月份：以后的月份还没有对账单。"),
])
def test_a_bad_dispute_is_refused_and_nothing_written(world, kwargs, field, message):
    if kwargs.pop("month_offset", None):
        world.month = (world.month + timezone.timedelta(days=40)).replace(day=1)
    with pytest.raises(DisputeFieldError) as exc:
        _open(world, **kwargs)
    assert (exc.value.field, str(exc.value.message)) == (field, message)
    assert not CommissionDispute.objects.exists() and not AuditEvent.objects.filter(
        action__startswith="partner.dispute").exists()


def test_a_hall_of_another_partner_and_an_information_partner_are_refused(world, other_hall, operator_partner):
    with pytest.raises(DisputeFieldError) as exc:
        _open(world, hall=other_hall)
    assert str(exc.value.message) == "该营业厅不是这个合作伙伴的代办点。"
    with pytest.raises(DisputeStateError) as exc:
        commission_dispute_open(actor=world.marketing, partner=operator_partner, month=world.month, amount="1",
                                description="x")
    assert str(exc.value.message) == "佣金对账单及其争议只适用于渠道合作伙伴。"
    assert not CommissionDispute.objects.exists()


def test_resolution_refusals_write_nothing(world):
    dispute = _open(world)
    with pytest.raises(NotPermitted) as exc:   # the agent cannot settle their own claim
        commission_dispute_resolve(actor=world.agent, dispute=dispute, outcome="accepted", resolution="ok")
    assert str(exc.value.message) == "只有市场经理才能处理佣金争议。"
    within = "部分认可的争议，调整金额须小于争议金额（30.00），且方向相同。"
    for kwargs, message in [
        ({"outcome": "partly", "adjustment": "30.00"}, within),
        ({"outcome": "partly", "adjustment": "-10.00"}, within),
        ({"outcome": "partly"}, "请输入认可的部分金额。"),
        ({"outcome": "accepted", "resolution": " "}, "请说明处理结果的理由。"),
    ]:
        kwargs.setdefault("resolution", "核实")
        with pytest.raises(DisputeFieldError) as exc:
            commission_dispute_resolve(actor=world.marketing, dispute=dispute, **kwargs)
        assert str(exc.value.message) == message
    assert CommissionDispute.objects.get(pk=dispute.pk).status == "open"
    assert not AuditEvent.objects.filter(action="partner.dispute_resolve").exists()
    commission_dispute_resolve(actor=world.marketing, dispute=dispute, outcome="accepted", resolution="核实无误")
    with pytest.raises(DisputeStateError) as exc:
        commission_dispute_resolve(actor=world.marketing, dispute=dispute, outcome="rejected", resolution="改主意")
    assert str(exc.value.message) == "该争议已处理。"
    assert CommissionDispute.objects.get(pk=dispute.pk).adjustment == D("30.00")


def test_the_database_keeps_an_adjustment_within_the_claim(world):
    from django.db import IntegrityError, transaction

    dispute = _open(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        CommissionDispute.objects.filter(pk=dispute.pk).update(
            status="resolved", outcome="accepted", adjustment=D("31.00"), resolved_by=world.marketing,
            resolved_at=timezone.now())


def test_the_statement_screens_record_and_resolve(world, client, django_assert_max_num_queries):
    month = f"{world.month:%Y-%m}"
    url = reverse("partners:statement", args=[world.partner.pk, month])
    client.force_login(world.agent)
    refused = client.post(reverse("partners:dispute_open", args=[world.partner.pk, month]),
                          {"hall": "", "amount": "0", "description": "少算"})
    assert refused.status_code == 400 and "请输入有争议的金额（不能为零）。" in refused.content.decode()
    assert not CommissionDispute.objects.exists()
    done = client.post(reverse("partners:dispute_open", args=[world.partner.pk, month]),
                       {"hall": str(world.hall.pk), "amount": "30.00", "description": "少算了2笔开户"})
    assert done.status_code == 302
    dispute = CommissionDispute.objects.get()
    page = client.get(url).content.decode()
    assert "少算了2笔开户" in page and "处理中" in page and f"resolve-form-{dispute.pk}" not in page
    resolve = reverse("partners:dispute_resolve", args=[world.partner.pk, dispute.pk])
    assert client.post(resolve, {f"d{dispute.pk}-outcome": "accepted", f"d{dispute.pk}-resolution": "x"}
                       ).status_code == 403
    client.force_login(world.marketing)
    with django_assert_max_num_queries(20):
        page = client.get(url).content.decode()
    assert f"resolve-form-{dispute.pk}" in page
    refused = client.post(resolve, {f"d{dispute.pk}-outcome": "partly", f"d{dispute.pk}-resolution": "核实"})
    assert refused.status_code == 400 and "请输入认可的部分金额。" in refused.content.decode()
    assert client.post(resolve, {f"d{dispute.pk}-outcome": "partly", f"d{dispute.pk}-adjustment": "20.00",
                                 f"d{dispute.pk}-resolution": "核实1笔"}).status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="statement-payable">¥20.00' in page and "部分认可" in page
    pdf = client.get(reverse("partners:statement_pdf", args=[world.partner.pk, month]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    sheet = load_workbook(io.BytesIO(client.get(reverse("partners:statement_xlsx", args=[world.partner.pk, month]))
                                     .content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    cleaned = [[v if v is not None else "" for v in r] for r in values]
    assert ["应付佣金", "", "", "", "", "", "", 20] in cleaned

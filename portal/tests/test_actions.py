"""Self-service actions through the counter's own services, with the web channel as the operator: recharge
card, plan change, report loss / unlock, complaint. Each happy path, each refusal with nothing written,
double submission runs once."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from billing.models import Payment
from boss.models import AuditEvent
from complaints.models import Complaint
from inventory.models import RechargeCard
from inventory.services.stock import recharge_pin_hash
from orders.models import Order, PlanChange
from portal.tests.conftest import sign_in

SERIAL, PIN = "10000000000000001", "1234567890123456"


@pytest.fixture
def card(rep):
    return RechargeCard.objects.create(serial=SERIAL, face_value="50.00", hall=rep.hall,
                                       pin_hash=recharge_pin_hash(serial=SERIAL, pin=PIN),
                                       valid_until=date.today() + timedelta(days=30))


def test_recharge_with_a_card_once_even_when_sent_twice(client, mine, card):
    sign_in(client, mine)
    url = reverse("portal:recharge", args=[mine.pk])
    key = client.get(url).context["form"].initial["idempotency_key"]
    before = Payment.objects.count()
    data = {"serial": SERIAL, "pin": PIN, "idempotency_key": key}
    first = client.post(url, data)
    again = client.post(url, data)
    assert first.status_code == again.status_code == 200
    assert "充值成功" in first.content.decode() and "50.00" in first.content.decode()
    assert Payment.objects.count() == before + 1
    payment = Payment.objects.latest("pk")
    assert payment.method == "recharge_card" and payment.actor.username == "web" and payment.line == mine
    assert RechargeCard.objects.get().status == "redeemed"
    assert AuditEvent.objects.filter(action="recharge_card.redeem", actor__username="web").count() == 1


def test_wrong_pin_is_refused_and_locks_after_too_many(client, mine, card, set_tariff):
    set_tariff("portal.max_failures", "2")
    sign_in(client, mine)
    url = reverse("portal:recharge", args=[mine.pk])
    before = Payment.objects.count()
    for i in range(2):
        response = client.post(url, {"serial": SERIAL, "pin": "0000000000000000", "idempotency_key": f"w{i}"})
        assert response.status_code == 400 and response.context["form"].errors["pin"]
    response = client.post(url, {"serial": SERIAL, "pin": PIN, "idempotency_key": "right"})
    assert response.status_code == 429 and "充值已锁定" in response.content.decode()
    assert Payment.objects.count() == before and RechargeCard.objects.get().status == "active"


def _plan(code="5G58", fee="58.00"):
    from catalog.tests.factories import PlanFactory

    return PlanFactory(code=code, name=f"测试套餐{code}", monthly_fee=fee, valid_from=date(2024, 1, 1))


def test_plan_change_for_next_month(client, mine):
    _plan()
    sign_in(client, mine)
    url = reverse("portal:plan", args=[mine.pk])
    page = client.get(url)
    key = page.context["form"].initial["idempotency_key"]
    assert 'value="" selected' in page.content.decode() or "selected" not in page.content.decode()
    response = client.post(url, {"plan": "5G58", "agreed": "on", "idempotency_key": key})
    assert response.status_code == 200 and "套餐变更已受理" in response.content.decode()
    change = PlanChange.objects.get(line=mine)
    assert change.new_plan.code == "5G58" and change.state == "pending" and not change.immediate
    order = change.order
    assert order.actor.username == "web" and order.documents_checked == ["web_signin"] and order.hall == mine.hall
    assert order.agreement_signed_at is not None
    assert client.post(url, {"plan": "5G58", "agreed": "on", "idempotency_key": key}).status_code == 200
    assert PlanChange.objects.filter(line=mine).count() == 1
    # and it can be cancelled before it takes effect
    cancel = client.post(reverse("portal:plan_cancel", args=[mine.pk]), {"agreed": "on", "idempotency_key": "c1"})
    assert cancel.status_code == 200 and PlanChange.objects.get(line=mine).state == "cancelled"


def test_plan_change_refusals_write_nothing(client, mine):
    sign_in(client, mine)
    url = reverse("portal:plan", args=[mine.pk])
    orders = Order.objects.count()
    _plan()
    no_agreement = client.post(url, {"plan": "5G58", "idempotency_key": "a"})
    assert no_agreement.status_code == 400 and no_agreement.context["form"].errors["agreed"]
    unknown = client.post(url, {"plan": "NOPE", "agreed": "on", "idempotency_key": "b"})
    assert unknown.status_code == 400
    assert Order.objects.count() == orders and not PlanChange.objects.exists()


def test_plan_change_with_a_fee_is_sent_to_the_hall(client, mine, monkeypatch):
    from decimal import Decimal

    from orders.services import plan_change
    from orders.services.lifecycle import Charge

    _plan()
    real = plan_change.plan_change_quote

    def with_fee(**kw):
        quote = real(**kw)
        return plan_change.PlanChangeQuote(plan=quote.plan, effective_on=quote.effective_on,
                                           charges=[Charge("X", "变更手续费", "fee", Decimal("5.00"))],
                                           minimum_spend=None)

    monkeypatch.setattr("portal.services.actions.plan_change_quote", with_fee)
    sign_in(client, mine)
    orders = Order.objects.count()
    response = client.post(reverse("portal:plan", args=[mine.pk]),
                           {"plan": "5G58", "agreed": "on", "idempotency_key": "f"})
    assert response.status_code == 409 and "营业厅" in response.content.decode()
    assert Order.objects.count() == orders and not PlanChange.objects.exists()


def test_report_loss_then_unlock(client, mine):
    from provisioning.services import work_orders_run

    sign_in(client, mine)
    url = reverse("portal:loss", args=[mine.pk])
    response = client.post(url, {"agreed": "on", "idempotency_key": "l1"})
    assert response.status_code == 200 and "已挂失" in response.content.decode()
    work_orders_run()
    mine.refresh_from_db()
    assert mine.status == "suspended_loss"
    order = Order.objects.get(line=mine, kind="report_loss")
    assert order.actor.username == "web" and order.documents_checked == ["web_signin"]
    response = client.post(url, {"agreed": "on", "idempotency_key": "u1"})
    assert response.status_code == 200
    work_orders_run()
    mine.refresh_from_db()
    assert mine.status == "active"


def test_complaint_goes_to_the_queue_by_the_web_channel(client, mine):
    from boss.models import Department
    from complaints.tests.factories import ComplaintCategoryFactory, department

    department("CS", Department.Kind.CUSTOMER_SERVICE, name="客服中心")
    category = ComplaintCategoryFactory(code="NET-SIGNAL", name="网络信号差")
    sign_in(client, mine)
    page = client.get(reverse("portal:complaint_new"))
    key = page.context["form"].initial["idempotency_key"]
    data = {"category": category.pk, "description": "家里信号很差", "idempotency_key": key}
    response = client.post(reverse("portal:complaint_new"), data)
    client.post(reverse("portal:complaint_new"), data)
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("portal:complaint", args=[complaint.pk])
    assert complaint.channel == "web" and complaint.line == mine and complaint.status == "to_review"
    assert complaint.taken_by.username == "web"
    detail = client.get(response["Location"]).content.decode()
    assert complaint.number in detail and "尚未答复" in detail


def test_complaint_without_text_is_refused(client, mine):
    from complaints.tests.factories import ComplaintCategoryFactory

    category = ComplaintCategoryFactory(code="NET-SIGNAL", name="网络信号差")
    sign_in(client, mine)
    response = client.post(reverse("portal:complaint_new"), {"category": category.pk, "description": " ",
                                                             "idempotency_key": "x"})
    assert response.status_code == 400 and not Complaint.objects.exists()


def test_web_sign_in_stands_for_documents_only_for_the_signed_in_customer(mine, theirs):
    from orders.errors import DocumentsMissingError
    from orders.services.documents import documents_check
    from portal.services.channel import web_actor

    actor = web_actor(hall=mine.hall, customer_id=mine.customer_id)
    assert documents_check(actor=actor, customer=mine.customer, documents_checked=(), agent=None) == (
        ["web_signin"], None)
    with pytest.raises(DocumentsMissingError):
        documents_check(actor=actor, customer=theirs.customer, documents_checked=(), agent=None)


@pytest.fixture
def forwarding_feature(db):
    from catalog.models import Feature
    from catalog.tests.factories import FeatureFactory

    return FeatureFactory(code="CFW", name="呼叫转移", kind=Feature.Kind.CALL_FORWARDING, monthly_fee="0.00",
                          valid_from=date(2024, 1, 1))


def test_call_forwarding_start_and_stop(client, mine, forwarding_feature):
    from customers.models import LineFeature
    from provisioning.services import work_orders_run

    sign_in(client, mine)
    url = reverse("portal:forwarding", args=[mine.pk])
    page = client.get(url)
    assert page.status_code == 200 and "checked" not in page.content.decode()   # no condition preselected
    key = page.context["form"].initial["idempotency_key"]
    data = {"forward_to": "13900139000", "forward_when": "busy", "agreed": "on", "idempotency_key": key}
    assert client.post(url, data).status_code == 200
    assert client.post(url, data).status_code == 200   # sent twice, done once
    order = Order.objects.get(line=mine, kind="feature_change")
    assert order.actor.username == "web" and order.documents_checked == ["web_signin"]
    work_orders_run()
    held = LineFeature.objects.get(line=mine, feature=forwarding_feature, until__isnull=True)
    assert held.settings == {"to": "13900139000", "when": "busy"}
    assert "13900139000" in client.get(url).content.decode()
    stop = client.post(url, {"stop": "1", "agreed": "on", "idempotency_key": "s1"})
    assert stop.status_code == 200
    work_orders_run()
    assert not LineFeature.objects.filter(line=mine, feature=forwarding_feature, until__isnull=True).exists()


def test_call_forwarding_refusals_write_nothing(client, mine, forwarding_feature):
    sign_in(client, mine)
    url = reverse("portal:forwarding", args=[mine.pk])
    orders = Order.objects.count()
    own = client.post(url, {"forward_to": mine.msisdn, "forward_when": "busy", "agreed": "on",
                            "idempotency_key": "o"})
    assert own.status_code in (400, 409) and own.context["form"].errors["forward_to"]
    no_when = client.post(url, {"forward_to": "13900139000", "agreed": "on", "idempotency_key": "w"})
    assert no_when.status_code == 400 and no_when.context["form"].errors["forward_when"]
    not_on = client.post(url, {"stop": "1", "agreed": "on", "idempotency_key": "n"})
    assert not_on.status_code == 409
    assert Order.objects.count() == orders


def test_a_suggestion_is_its_own_kind_and_not_counted_as_a_complaint(client, mine, make_staff):
    """建议 on the web form: no topic to choose, filed under the suggestion category (complaints' migration makes
    it), to the same queue; the complaint statistics count it apart, never as a complaint."""
    from boss.models import Department
    from complaints.figures import complaint_statistics
    from complaints.models import ComplaintCategory
    from complaints.tests.factories import ComplaintCategoryFactory, department

    department("CS", Department.Kind.CUSTOMER_SERVICE, name="客服中心")
    topic = ComplaintCategoryFactory(code="NET-SIGNAL", name="网络信号差")
    sign_in(client, mine)
    page = client.get(reverse("portal:complaint_new"))
    text = page.content.decode()
    assert 'value="suggestion"' in text and "建议" in text
    assert [c.code for c in page.context["form"].fields["category"].queryset] == ["NET-SIGNAL"]   # topics only
    key = page.context["form"].initial["idempotency_key"]
    response = client.post(reverse("portal:complaint_new"),
                           {"kind": "suggestion", "description": "希望营业厅周日也开门", "idempotency_key": key})
    suggestion = Complaint.objects.get()
    assert response.status_code == 302 and suggestion.category.kind == ComplaintCategory.Kind.SUGGESTION
    assert suggestion.category.name == "建议" and suggestion.channel == "web" and suggestion.status == "to_review"
    data = {"kind": "complaint", "category": topic.pk, "description": "家里信号很差", "idempotency_key": key + "2"}
    assert client.post(reverse("portal:complaint_new"), data).status_code == 302
    today = date.today()
    stats = complaint_statistics(actor=make_staff("manager", username="boss1"), date_from=today, date_to=today)
    assert stats.total == 1 and stats.suggestions == 1
    assert [(row.label, row.count) for row in stats.by_category] == [("网络信号差", 1)]
    assert sum(row.count for row in stats.by_channel) == 1


def test_a_complaint_needs_its_topic(client, mine):
    from complaints.tests.factories import ComplaintCategoryFactory

    ComplaintCategoryFactory(code="NET-SIGNAL", name="网络信号差")
    sign_in(client, mine)
    response = client.post(reverse("portal:complaint_new"), {"kind": "complaint", "description": "信号差",
                                                             "idempotency_key": "x"})
    assert response.status_code == 400 and "请选择投诉的内容。" in response.content.decode()
    assert not Complaint.objects.exists()

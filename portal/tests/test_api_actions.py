"""The customer's actions through the portal's API (a mobile app): recharge, plan change, report loss and
unlock, call forwarding, complaints. Authenticated as the customer (a staff token is refused), done by the
same services as the screens with the web channel as the operator, once per Idempotency-Key where money
moves, and only on the customer's own lines (another customer's line is a 404 with nothing written)."""

from datetime import date, timedelta

import pytest
from rest_framework.test import APIClient

from billing.models import Payment
from boss.models import AuditEvent, Department
from complaints.models import Complaint
from complaints.tests.factories import ComplaintCategoryFactory, department
from customers.models import LineFeature
from inventory.models import RechargeCard
from inventory.services.stock import recharge_pin_hash
from orders.models import Order, PlanChange
from portal.tests.test_api import _as_customer, _token

SERIAL, PIN = "10000000000000001", "1234567890123456"


@pytest.fixture
def card(rep):
    return RechargeCard.objects.create(serial=SERIAL, face_value="50.00", hall=rep.hall,
                                       pin_hash=recharge_pin_hash(serial=SERIAL, pin=PIN),
                                       valid_until=date.today() + timedelta(days=30))


@pytest.fixture
def api(mine):
    return _as_customer(_token(mine))


def _url(line, action: str) -> str:
    return f"/api/v1/portal/lines/{line.pk}/{action}"


def test_recharge_runs_once_per_key_and_needs_a_key(api, mine, card):
    before = Payment.objects.count()
    missing = api.post(_url(mine, "recharge"), {"serial": SERIAL, "pin": PIN}, format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "idempotency_key_required"
    assert missing.json()["message"] == "此请求涉及资金或占用资源：请提供 Idempotency-Key 请求头。"
    assert Payment.objects.count() == before
    first = api.post(_url(mine, "recharge"), {"serial": SERIAL, "pin": PIN}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    again = api.post(_url(mine, "recharge"), {"serial": SERIAL, "pin": PIN}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and first.json()["amount"] == "50.00"
    assert again["Idempotent-Replayed"] == "true"
    assert Payment.objects.count() == before + 1
    payment = Payment.objects.get(pk=first.json()["payment"])
    assert payment.actor.username == "web" and payment.line == mine and payment.method == "recharge_card"
    assert AuditEvent.objects.filter(action="recharge_card.redeem", actor__username="web").count() == 1
    reused = api.post(_url(mine, "recharge"), {"serial": "1" * 17, "pin": PIN}, format="json",
                      HTTP_IDEMPOTENCY_KEY="k1")
    assert reused.status_code == 409 and reused.json()["code"] == "idempotency_key_reused"


def test_a_wrong_pin_is_refused_clearly_and_nothing_is_written(api, mine, card):
    before = Payment.objects.count()
    response = api.post(_url(mine, "recharge"), {"serial": SERIAL, "pin": "0" * 16}, format="json",
                        HTTP_IDEMPOTENCY_KEY="w1")
    assert response.status_code == 400 and response.json()["message"] == "充值卡序列号或密码错误。"
    assert Payment.objects.count() == before and RechargeCard.objects.get().status == "active"


def test_another_customers_line_is_404_for_every_action_and_nothing_is_written(api, theirs, card):
    orders, payments = Order.objects.count(), Payment.objects.count()
    for action, body in [("recharge", {"serial": SERIAL, "pin": PIN}), ("plans", None),
                         ("plan-change", {"plan": "5G58", "agreement_signed": True}),
                         ("plan-change/cancel", {"agreement_signed": True}),
                         ("report-loss", {"agreement_signed": True}), ("unlock", {"agreement_signed": True}),
                         ("forwarding", None),
                         ("forwarding", {"forward_to": "13900139000", "forward_when": "busy",
                                         "agreement_signed": True}),
                         ("forwarding/stop", {"agreement_signed": True})]:
        if body is None:
            response = api.get(_url(theirs, action))
        else:
            response = api.post(_url(theirs, action), body, format="json", HTTP_IDEMPOTENCY_KEY=f"x-{action}")
        assert response.status_code == 404, (action, response.content)
    category = ComplaintCategoryFactory(code="NET-SIGNAL", name="网络信号差")
    complaint = api.post("/api/v1/portal/complaints", {"line": theirs.pk, "category": category.pk,
                                                       "description": "信号差"}, format="json")
    assert complaint.status_code == 404
    assert Order.objects.count() == orders and Payment.objects.count() == payments
    assert not Complaint.objects.exists() and RechargeCard.objects.get().status == "active"


def test_a_staff_token_or_none_is_refused_on_the_actions(mine, rep):
    from rest_framework.authtoken.models import Token

    staff = APIClient()
    staff.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=rep).key}")
    for client in (staff, APIClient()):
        response = client.post(_url(mine, "report-loss"), {"agreement_signed": True}, format="json")
        assert response.status_code == 401
    assert not Order.objects.filter(kind="report_loss").exists()


def _plan(code="5G58", fee="58.00"):
    from catalog.tests.factories import PlanFactory

    return PlanFactory(code=code, name=f"测试套餐{code}", monthly_fee=fee, valid_from=date(2024, 1, 1))


def test_plan_change_for_next_month_and_its_cancellation(api, mine):
    _plan()
    plans = api.get(_url(mine, "plans"))
    assert plans.status_code == 200 and "5G58" in [p["code"] for p in plans.json()["plans"]]
    assert mine.plan.code not in [p["code"] for p in plans.json()["plans"]] and plans.json()["pending"] is None
    body = {"plan": "5G58", "agreement_signed": True}
    first = api.post(_url(mine, "plan-change"), body, format="json", HTTP_IDEMPOTENCY_KEY="p1")
    again = api.post(_url(mine, "plan-change"), body, format="json", HTTP_IDEMPOTENCY_KEY="p1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    change = PlanChange.objects.get(line=mine)
    assert change.new_plan.code == "5G58" and change.state == "pending" and not change.immediate
    assert change.order.actor.username == "web" and change.order.documents_checked == ["web_signin"]
    assert api.get(_url(mine, "plans")).json()["pending"] == "测试套餐5G58"
    cancel = api.post(_url(mine, "plan-change/cancel"), {"agreement_signed": True}, format="json")
    assert cancel.status_code == 201 and PlanChange.objects.get(line=mine).state == "cancelled"


def test_plan_change_refusals_are_clear_and_write_nothing(api, mine):
    from orders.services.plan_change import plan_change_effective_on

    next_month = plan_change_effective_on(immediate=False)
    _plan()
    orders = Order.objects.count()
    unsigned = api.post(_url(mine, "plan-change"), {"plan": "5G58"}, format="json")
    assert unsigned.status_code == 400 and unsigned.json()["fields"]["agreement_signed"] == ["请先阅读并同意条款。"]
    unknown = api.post(_url(mine, "plan-change"), {"plan": "NOPE", "agreement_signed": True}, format="json")
    assert unknown.status_code in (400, 404, 409)
    assert unknown.json()["message"] == f"该套餐在 {next_month:%Y-%m-%d} 不在售。"
    nothing = api.post(_url(mine, "plan-change/cancel"), {"agreement_signed": True}, format="json")
    assert nothing.status_code == 409 and nothing.json()["message"] == "该号码没有可取消的待生效套餐变更。"
    assert Order.objects.count() == orders and not PlanChange.objects.exists()


def test_report_loss_then_unlock(api, mine):
    from provisioning.services import work_orders_run

    early = api.post(_url(mine, "unlock"), {"agreement_signed": True}, format="json")
    assert early.status_code == 409 and early.json()["message"] == "号码处于“正常”状态，不能办理报开（解挂）。"
    lost = api.post(_url(mine, "report-loss"), {"agreement_signed": True}, format="json")
    assert lost.status_code == 201 and lost.json()["order"]
    work_orders_run()
    mine.refresh_from_db()
    assert mine.status == "suspended_loss"
    order = Order.objects.get(line=mine, kind="report_loss")
    assert order.actor.username == "web" and order.documents_checked == ["web_signin"]
    assert api.post(_url(mine, "unlock"), {"agreement_signed": True}, format="json").status_code == 201
    work_orders_run()
    mine.refresh_from_db()
    assert mine.status == "active"


@pytest.fixture
def forwarding_feature(db):
    from catalog.models import Feature
    from catalog.tests.factories import FeatureFactory

    return FeatureFactory(code="CFW", name="呼叫转移", kind=Feature.Kind.CALL_FORWARDING, monthly_fee="0.00",
                          valid_from=date(2024, 1, 1))


def test_call_forwarding_start_read_and_stop(api, mine, forwarding_feature):
    from provisioning.services import work_orders_run

    assert api.get(_url(mine, "forwarding")).json() == {
        "offered": True, "on": False, "forward_to": "", "forward_when": "", "forward_when_label": ""}
    body = {"forward_to": "13900139000", "forward_when": "busy", "agreement_signed": True}
    assert api.post(_url(mine, "forwarding"), body, format="json", HTTP_IDEMPOTENCY_KEY="f1").status_code == 201
    assert api.post(_url(mine, "forwarding"), body, format="json", HTTP_IDEMPOTENCY_KEY="f1").status_code == 201
    assert Order.objects.filter(line=mine, kind="feature_change").count() == 1
    work_orders_run()
    state = api.get(_url(mine, "forwarding")).json()
    assert state["on"] and state["forward_to"] == "13900139000" and state["forward_when_label"] == "遇忙转移"
    assert api.post(_url(mine, "forwarding/stop"), {"agreement_signed": True}, format="json").status_code == 201
    work_orders_run()
    assert not LineFeature.objects.filter(line=mine, feature=forwarding_feature, until__isnull=True).exists()


def test_call_forwarding_refusals_are_clear_and_write_nothing(api, mine, forwarding_feature):
    orders = Order.objects.count()
    own = api.post(_url(mine, "forwarding"), {"forward_to": mine.msisdn, "forward_when": "busy",
                                              "agreement_signed": True}, format="json")
    assert own.status_code in (400, 409) and own.json()["message"] == "不能转移到本号码。"
    bad_when = api.post(_url(mine, "forwarding"), {"forward_to": "13900139000", "forward_when": "sometimes",
                                                   "agreement_signed": True}, format="json")
    assert bad_when.status_code == 400 and "forward_when" in bad_when.json()["fields"]
    not_on = api.post(_url(mine, "forwarding/stop"), {"agreement_signed": True}, format="json")
    assert not_on.status_code == 409 and not_on.json()["message"] == "该号码未开通呼叫转移。"
    assert Order.objects.count() == orders


def test_complaint_through_the_api_reaches_the_queue_and_its_status_is_read_back(api, mine):
    department("CS", Department.Kind.CUSTOMER_SERVICE, name="客服中心")
    category = ComplaintCategoryFactory(code="NET-SIGNAL", name="网络信号差")
    topics = api.get("/api/v1/portal/complaint-categories").json()
    assert {"id": category.pk, "name": "网络信号差", "kind": "complaint"} in topics
    suggestion = next(t for t in topics if t["kind"] == "suggestion")
    assert suggestion["name"] == "建议"
    body = {"category": category.pk, "description": "家里信号很差"}
    first = api.post("/api/v1/portal/complaints", body, format="json", HTTP_IDEMPOTENCY_KEY="c1")
    again = api.post("/api/v1/portal/complaints", body, format="json", HTTP_IDEMPOTENCY_KEY="c1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    complaint = Complaint.objects.get()
    assert complaint.channel == "web" and complaint.line == mine and complaint.taken_by.username == "web"
    [row] = api.get("/api/v1/portal/complaints").json()
    assert row["number"] == complaint.number and row["status_label"] == complaint.get_status_display()
    assert row["category"] == "网络信号差" and row["answer"] == ""


def test_complaint_refusals_are_clear_and_write_nothing(api, mine):
    category = ComplaintCategoryFactory(code="NET-SIGNAL", name="网络信号差")
    blank = api.post("/api/v1/portal/complaints", {"category": category.pk, "description": " "}, format="json")
    assert blank.status_code == 400
    wrong_topic = api.post("/api/v1/portal/complaints", {"category": category.pk + 999, "description": "信号差"},
                           format="json")
    assert wrong_topic.status_code == 400 and wrong_topic.json()["message"] == "请选择列出的主题之一。"
    assert not Complaint.objects.exists()


def test_the_schema_documents_the_actions():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = set(schema["paths"])
    for path in ["recharge", "plans", "plan-change", "plan-change/cancel", "report-loss", "unlock", "forwarding",
                 "forwarding/stop"]:
        assert f"/api/v1/portal/lines/{{line_id}}/{path}" in paths
    assert {"/api/v1/portal/complaints", "/api/v1/portal/complaint-categories"} <= paths
    recharge = schema["paths"]["/api/v1/portal/lines/{line_id}/recharge"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["required"] for p in recharge["parameters"])
    assert recharge["security"] == [{"customerToken": []}]



def test_gift_ordered_through_the_api_once_per_key_read_back_and_cancelled(api, mine):
    from loyalty.models import Redemption
    from portal.tests.test_gift_order import gift_world

    w = gift_world(mine)
    offer = api.get("/api/v1/portal/gifts").json()
    assert offer["points_balance"] == 1000
    assert {"id": w.mug.pk, "name": "保温杯", "points": 500, "cash_topup": "0.00",
            "halls": [{"id": w.hall.pk, "name": w.hall.name}]} in offer["gifts"]
    body = {"gift": w.mug.pk, "hall": w.hall.pk}
    missing = api.post("/api/v1/portal/redemptions", body, format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "idempotency_key_required"
    first = api.post("/api/v1/portal/redemptions", body, format="json", HTTP_IDEMPOTENCY_KEY="g1")
    again = api.post("/api/v1/portal/redemptions", body, format="json", HTTP_IDEMPOTENCY_KEY="g1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert Redemption.objects.count() == 1
    [row] = api.get("/api/v1/portal/redemptions").json()
    assert row["number"] == first.json()["number"] and row["state_label"] == "网上已下单，待领取"
    cancelled = api.post(f"/api/v1/portal/redemptions/{row['id']}/cancel")
    assert cancelled.status_code == 201 and cancelled.json()["points_given_back"] == 500
    refused = api.post(f"/api/v1/portal/redemptions/{row['id']}/cancel")
    assert refused.status_code == 409 and refused.json()["message"] == "该兑换单当前状态不允许此操作。"


def test_gift_order_refusals_through_the_api_write_nothing(api, mine, theirs):
    from loyalty.models import Redemption
    from portal.tests.test_gift_order import gift_world

    w = gift_world(mine)
    unknown = api.post("/api/v1/portal/redemptions", {"gift": w.mug.pk + 999, "hall": w.hall.pk}, format="json",
                       HTTP_IDEMPOTENCY_KEY="u1")
    assert unknown.status_code == 400 and unknown.json()["message"] == "请选择列出的礼品之一。"
    their_line = api.post("/api/v1/portal/redemptions", {"gift": w.mug.pk, "hall": w.hall.pk, "line": theirs.pk},
                          format="json", HTTP_IDEMPOTENCY_KEY="t1")
    assert their_line.status_code == 404
    w2 = gift_world(theirs)
    theirs_order = w2.order(theirs)
    assert api.post(f"/api/v1/portal/redemptions/{theirs_order.pk}/cancel").status_code == 404
    assert Redemption.objects.filter(customer=mine.customer).count() == 0
    theirs_order.refresh_from_db()
    assert theirs_order.state == "ordered"

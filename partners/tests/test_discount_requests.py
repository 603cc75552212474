"""Channel partners' discount requests through the discount interface: asked by API (with the partner key)
and on the screen, approved or refused by the marketing manager, applied once at the counter or through the
partner's API as the line's discount change; every refusal with its Chinese reason and nothing written."""

import pytest
from django.urls import reverse

from boss.models import AuditEvent, Hall
from boss.tests.factories import HallFactory
from catalog.tests.factories import DiscountFactory, PlanFactory
from customers.models import LineDiscount
from orders.models import Order
from partners.errors import DiscountRequestError, DiscountRequestStateError
from partners.models import DiscountRequest
from partners.services import partner_hall_link, partner_key_issue
from partners.services.discounts import (
    discount_request_apply,
    discount_request_approve,
    discount_request_create,
    discount_request_refuse,
)

pytestmark = pytest.mark.django_db
PATH = "discount-requests"


@pytest.fixture
def world(live, admin_user, agent_partner, make_staff):
    hall = live.rep.hall
    Hall.objects.filter(pk=hall.pk).update(kind=Hall.Kind.PARTNER, group_sms_allowed=False)
    hall.refresh_from_db()
    partner_hall_link(actor=admin_user, partner=agent_partner, hall=hall)
    live.partner = agent_partner
    live.discount = DiscountFactory(code="AGENT-10", name="代理商九折", percent_off="10")
    live.other_plan_discount = DiscountFactory(code="OTHER-PLAN", name="他套餐优惠",
                                               plan=PlanFactory(code="4G18", name="4G18元"))
    live.key = partner_key_issue(actor=admin_user, partner=agent_partner, scopes=["discount.request"])[1]
    live.marketing = make_staff("manager", username="mkt_disc", hall=None)
    live.agent = make_staff("store_manager", username="agent_disc", hall=hall)
    return live


def _nothing_written():
    assert not DiscountRequest.objects.exists()
    assert not AuditEvent.objects.filter(action="partner.discount_request").exists()


def test_the_partner_asks_by_api_the_manager_approves_and_the_partner_applies(world, partner_api):
    body = {"discount": "AGENT-10", "msisdn": world.line.msisdn, "reason": "老客户续约", "reference": "TB-0001"}
    first = partner_api.post(PATH, body, world.key)
    assert first.status_code == 201 and first.json()["status"] == "pending"
    assert first.json()["msisdn"] != world.line.msisdn   # masked for the partner
    again = partner_api.post(PATH, body, world.key)      # the same reference: the same request
    assert again.json()["id"] == first.json()["id"] and DiscountRequest.objects.count() == 1
    request_id = first.json()["id"]
    early = partner_api.post(f"{PATH}/{request_id}/apply", {}, world.key)
    assert early.status_code == 409 and early.json()["message"] == "只有已批准且尚未执行的申请才能执行。"
    assert not LineDiscount.objects.filter(line=world.line).exists()

    discount_request_approve(actor=world.marketing, request=DiscountRequest.objects.get(), note="同意")
    assert partner_api.get(f"{PATH}/{request_id}", world.key).json()["status"] == "approved"
    applied = partner_api.post(f"{PATH}/{request_id}/apply", {}, world.key)
    assert applied.status_code == 200 and applied.json()["status"] == "applied"
    granted = LineDiscount.objects.get(line=world.line)
    assert granted.discount == world.discount and granted.until is None
    order = Order.objects.get(kind="discount_change", line=world.line)
    assert order.details["operator_reason"] == f"AG-TH-01 #{request_id}" and order.hall == world.line.hall
    assert order.actor.username == "partner-channel"
    twice = partner_api.post(f"{PATH}/{request_id}/apply", {}, world.key)
    assert twice.status_code == 409 and LineDiscount.objects.filter(line=world.line).count() == 1
    assert set(AuditEvent.objects.filter(action__startswith="partner.discount").values_list("action", flat=True)) == {
        "partner.discount_request", "partner.discount_approve", "partner.discount_apply"}


@pytest.mark.parametrize("change,field,message", [
    ({"msisdn": "13900000000"}, "msisdn", "该合作伙伴的代办点没有使用中的线路是这个号码。"),
    ({"discount": "OTHER-PLAN"}, "discount", "该优惠今天不适用于此号码的套餐。"),
    ({"discount": "NOPE"}, "discount", "该优惠今天不适用于此号码的套餐。"),
    ({"order": "ORD-1"}, "msisdn", "请填写手机号码或受理单，二者只填其一。"),
    ({"reason": "  "}, "reason", "请说明客户为何应享受该优惠。"),
])
def test_a_bad_request_is_refused_with_its_reason_and_nothing_written(world, partner_api, change, field, message):
    body = {"discount": "AGENT-10", "msisdn": world.line.msisdn, "reason": "老客户", **change}
    response = partner_api.post(PATH, body, world.key)
    assert response.status_code == 400 and response.json()["message"] == message, response.json()
    assert response.json()["params"].get("field", field) == field
    _nothing_written()


NOT_HERE = "该合作伙伴的代办点没有使用中的线路是这个号码。"


@pytest.fixture
def elsewhere(world):
    """A line in service kept at another hall (an ordinary hall, not the partner's)."""
    line = world.open_line("13912358888")
    other = HallFactory(code="ELSE1", name="鼓楼营业厅")
    type(line).objects.filter(pk=line.pk).update(hall=other)
    return line


def test_a_line_at_another_hall_is_refused_by_api_like_an_unknown_number(world, partner_api, elsewhere):
    for msisdn in (elsewhere.msisdn, "13900000000"):
        response = partner_api.post(PATH, {"discount": "AGENT-10", "msisdn": msisdn, "reason": "老客户"}, world.key)
        assert response.status_code == 400, response.json()
        assert response.json()["message"] == NOT_HERE and response.json()["params"].get("field", "msisdn") == "msisdn"
    _nothing_written()
    assert not AuditEvent.objects.filter(action="partner.discount_request").exists()


def test_a_line_at_another_hall_is_refused_on_the_screen(world, client, elsewhere):
    for actor in (world.agent, world.marketing):   # the agent's own partner, and the marketing manager for it
        client.force_login(actor)
        refused = client.post(reverse("partners:discount_request_create"), {
            "partner": str(world.partner.pk), "discount": "AGENT-10", "msisdn": elsewhere.msisdn, "reason": "续约"})
        assert refused.status_code == 400 and NOT_HERE in refused.content.decode()
    _nothing_written()


def test_one_open_request_per_line_and_discount_and_other_partners_see_nothing(world, partner_api, push_key):
    discount_request_create(actor=world.agent, partner=world.partner, discount="AGENT-10", msisdn=world.line.msisdn,
                            reason="续约")
    with pytest.raises(DiscountRequestError) as exc:
        discount_request_create(actor=None, partner=world.partner, discount="AGENT-10", msisdn=world.line.msisdn,
                                reason="再次", channel="api")
    assert str(exc.value.message) == "该线路已有这项优惠的申请在处理中。"
    assert DiscountRequest.objects.count() == 1
    # an information-exchange partner's key has no discount scope; a channel key sees only its own requests
    assert partner_api.post(PATH, {"discount": "AGENT-10", "msisdn": world.line.msisdn, "reason": "x"},
                            push_key).status_code == 403
    assert partner_api.get(f"{PATH}/999999", world.key).status_code == 404


def test_a_refusal_needs_its_reason_and_the_partner_reads_it(world, partner_api):
    asked = discount_request_create(actor=None, partner=world.partner, discount="AGENT-10",
                                    msisdn=world.line.msisdn, reason="续约", channel="api")
    with pytest.raises(DiscountRequestError) as exc:
        discount_request_refuse(actor=world.marketing, request=asked, note=" ")
    assert str(exc.value.message) == "请说明拒绝的原因：合作伙伴会看到。"
    with pytest.raises(Exception) as exc:
        discount_request_approve(actor=world.agent, request=asked)
    assert str(exc.value.message) == "只有市场经理才能批准或拒绝优惠申请。"
    assert DiscountRequest.objects.get().status == "pending"
    discount_request_refuse(actor=world.marketing, request=asked, note="该客户不符合代理商优惠条件")
    seen = partner_api.get(f"{PATH}/{asked.pk}", world.key).json()
    assert (seen["status"], seen["decision_note"]) == ("refused", "该客户不符合代理商优惠条件")
    with pytest.raises(DiscountRequestStateError):
        discount_request_apply(actor=world.rep, request=asked)
    with pytest.raises(DiscountRequestStateError):
        discount_request_approve(actor=world.marketing, request=asked)
    assert not LineDiscount.objects.filter(line=world.line).exists()


def test_the_screens_ask_decide_and_apply_at_the_counter(world, client, django_assert_max_num_queries):
    client.force_login(world.agent)
    create = reverse("partners:discount_request_create")
    bad = client.post(create, {"partner": str(world.partner.pk), "discount": "AGENT-10", "msisdn": "13900000000",
                               "reason": "续约"})
    assert bad.status_code == 400 and "该合作伙伴的代办点没有使用中的线路是这个号码。" in bad.content.decode()
    _nothing_written()
    done = client.post(create, {"partner": str(world.partner.pk), "discount": "AGENT-10",
                                "msisdn": world.line.msisdn, "reason": "续约"})
    assert done.status_code == 302
    asked = DiscountRequest.objects.get()
    url = reverse("partners:discount_request", args=[asked.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 403   # the agent cannot decide
    client.force_login(world.marketing)
    refused = client.post(url, {"decision": "refuse", "note": ""})
    assert refused.status_code == 400 and "请说明拒绝的原因：合作伙伴会看到。" in refused.content.decode()
    assert client.post(url, {"decision": "approve", "note": "同意"}).status_code == 302
    client.force_login(world.rep)
    with django_assert_max_num_queries(15):
        page = client.get(url).content.decode()
    assert 'data-testid="apply-form"' in page and "已批准" in page
    apply = reverse("partners:discount_request_apply", args=[asked.pk])
    assert client.post(apply).status_code == 302
    assert LineDiscount.objects.filter(line=world.line, discount=world.discount).exists()
    again = client.post(apply)
    assert again.status_code == 409 and "只有已批准且尚未执行的申请才能执行。" in again.content.decode()
    with django_assert_max_num_queries(15):
        listing = client.get(reverse("partners:discount_request_list")).content.decode()
    assert "代理商九折" in listing and "已执行" in listing

"""A channel partner's live activity: pending or approved discount requests and open commission disputes
keep it from being deleted; an agent hall is unlinked (audited) only without live activity there (the
partner's open requests on its lines or orders, open disputes naming it, openings and recharges this month
or last month); then a channel partner with a hall can be deleted. Each refusal with its Chinese message
and nothing written."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.services.payments import payment_collect
from boss.models import AuditEvent, Hall
from catalog.tests.factories import DiscountFactory
from orders.models import Order
from partners.errors import PartnerHallHasActivityError, PartnerHasActivityError
from partners.models import Partner, PartnerHall
from partners.services import partner_delete, partner_hall_link, partner_hall_unlink
from partners.services.discounts import discount_request_create, discount_request_refuse
from partners.services.disputes import commission_dispute_open, commission_dispute_resolve

pytestmark = pytest.mark.django_db
HALL_BUSY = ("该代办点仍有该合作伙伴的在用业务（待审批或已批准的优惠申请、未结的佣金争议，或本月、上月仍在结算佣金的"
             "开户与充值）；结束后才能解除关联。")
PARTNER_BUSY = ("该合作伙伴仍有在用的业务（可用的密钥、代办点、有效的黑名单记录、待审批或已批准的优惠申请，"
                "或未结的佣金争议）；请先结束，或改为暂停合作。")


@pytest.fixture
def world(live, admin_user, agent_partner, make_staff):
    """The live line's hall as the partner's agent hall, its opening three months ago (no commission still
    being settled), and the marketing manager."""
    hall = live.rep.hall
    Hall.objects.filter(pk=hall.pk).update(kind=Hall.Kind.PARTNER, group_sms_allowed=False)
    hall.refresh_from_db()
    partner_hall_link(actor=admin_user, partner=agent_partner, hall=hall)
    long_ago = timezone.now() - timedelta(days=100)
    Order.objects.filter(hall=hall).update(paid_at=long_ago)
    DiscountFactory(code="AGENT-10", name="代理商九折", percent_off="10")
    live.hall, live.partner = hall, agent_partner
    live.marketing = make_staff("manager", username="mkt_unlink", hall=None)
    return live


def _unlink(world, admin_user):
    return partner_hall_unlink(actor=admin_user, partner=world.partner, hall=world.hall, reason="代办协议终止")


def _refused(call, error, message):
    with pytest.raises(error) as exc:
        call()
    assert str(exc.value.message) == message


def _nothing_unlinked(world):
    assert PartnerHall.objects.filter(partner=world.partner, hall=world.hall).exists()
    assert not AuditEvent.objects.filter(action__in=["partner.hall_unlink", "partner.delete"]).exists()
    assert Partner.objects.get(pk=world.partner.pk).status == "active"


def test_a_pending_discount_request_keeps_the_hall_and_the_partner(world, admin_user):
    asked = discount_request_create(actor=None, partner=world.partner, discount="AGENT-10",
                                    msisdn=world.line.msisdn, reason="续约", channel="api")
    _refused(lambda: _unlink(world, admin_user), PartnerHallHasActivityError, HALL_BUSY)
    _nothing_unlinked(world)
    PartnerHall.objects.filter(partner=world.partner).delete()   # the hall alone no longer stands in the way
    _refused(lambda: partner_delete(actor=admin_user, partner=world.partner, reason="合作终止"),
             PartnerHasActivityError, PARTNER_BUSY)
    assert Partner.objects.get(pk=world.partner.pk).status == "active"
    discount_request_refuse(actor=world.marketing, request=asked, note="不符合条件")
    partner_delete(actor=admin_user, partner=world.partner, reason="合作终止")
    assert Partner.objects.get(pk=world.partner.pk).status == "deleted"


def test_an_open_dispute_naming_the_hall_keeps_the_hall_and_the_partner(world, admin_user):
    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    dispute = commission_dispute_open(actor=world.marketing, partner=world.partner, month=month, amount="30.00",
                                      description="少算一笔开户", hall=world.hall)
    _refused(lambda: _unlink(world, admin_user), PartnerHallHasActivityError, HALL_BUSY)
    _nothing_unlinked(world)
    PartnerHall.objects.filter(partner=world.partner).delete()
    _refused(lambda: partner_delete(actor=admin_user, partner=world.partner, reason="合作终止"),
             PartnerHasActivityError, PARTNER_BUSY)
    commission_dispute_resolve(actor=world.marketing, dispute=dispute, outcome="rejected", resolution="已核对")
    partner_delete(actor=admin_user, partner=world.partner, reason="合作终止")
    assert Partner.objects.get(pk=world.partner.pk).status == "deleted"


@pytest.mark.parametrize("days_ago", [0, 20])   # this month, and this month or last month
def test_openings_still_being_settled_keep_the_hall(world, admin_user, days_ago):
    moment = timezone.now() - timedelta(days=days_ago)
    Order.objects.filter(hall=world.hall).update(paid_at=moment)
    _refused(lambda: _unlink(world, admin_user), PartnerHallHasActivityError, HALL_BUSY)
    _nothing_unlinked(world)


def test_a_recharge_this_month_keeps_the_hall(world, admin_user):
    payment_collect(actor=world.rep, account=world.line.account, amount=Decimal("50.00"), method="cash",
                    tendered=Decimal("50.00"), line=world.line)
    _refused(lambda: _unlink(world, admin_user), PartnerHallHasActivityError, HALL_BUSY)
    _nothing_unlinked(world)


def test_a_hall_without_live_activity_is_unlinked_then_the_partner_deleted(world, admin_user):
    _refused(lambda: partner_delete(actor=admin_user, partner=world.partner, reason="合作终止"),
             PartnerHasActivityError, PARTNER_BUSY)
    _unlink(world, admin_user)
    assert not PartnerHall.objects.filter(hall=world.hall).exists()
    event = AuditEvent.objects.get(action="partner.hall_unlink")
    assert event.before == {"hall": world.hall.code} and event.reason == "代办协议终止"
    assert event.actor == admin_user
    partner_delete(actor=admin_user, partner=world.partner, reason="合作终止")
    assert Partner.objects.get(pk=world.partner.pk).status == "deleted"


def test_the_screen_unlinks_or_says_why_not(world, admin_user, client):
    client.force_login(admin_user)
    page = client.get(reverse("partners:partner_detail", args=[world.partner.pk])).content.decode()
    url = reverse("partners:partner_hall_unlink", args=[world.partner.pk, world.hall.pk])
    assert url in page and "解除关联" in page
    asked = discount_request_create(actor=None, partner=world.partner, discount="AGENT-10",
                                    msisdn=world.line.msisdn, reason="续约", channel="api")
    refused = client.post(url, {"reason": "代办协议终止"})
    assert refused.status_code == 400 and HALL_BUSY in refused.content.decode()
    _nothing_unlinked(world)
    assert client.post(url, {"reason": ""}).status_code == 400
    discount_request_refuse(actor=world.marketing, request=asked, note="不符合条件")
    done = client.post(url, {"reason": "代办协议终止"})
    assert done.status_code == 302 and not PartnerHall.objects.filter(hall=world.hall).exists()
    assert AuditEvent.objects.filter(action="partner.hall_unlink").count() == 1
    assert client.post(url, {"reason": "再次"}).status_code == 404
    page = client.get(reverse("partners:partner_detail", args=[world.partner.pk])).content.decode()
    assert "代办点已解除关联" in page

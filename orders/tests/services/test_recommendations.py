"""Recommendations (C1-F2/F4): offers that fit the customer's class, plans and spend; the outcome."""

from datetime import date
from decimal import Decimal

import pytest

from billing.tests.factories import bill_record
from boss.models import AuditEvent
from catalog.tests.factories import OfferFactory, PlanFactory
from orders.errors import OfferUnavailableError
from orders.models import RecommendationOutcome
from orders.services.recommendations import recommendation_list, recommendation_record
from orders.tests.factories import classify

pytestmark = pytest.mark.django_db
D = Decimal
DAY = date(2026, 6, 1)


@pytest.fixture
def offers(db):
    fx38, fx58 = PlanFactory(code="FX38", monthly_fee=D("38")), PlanFactory(code="FX58", monthly_fee=D("58"))
    upgrade = OfferFactory(code="UP", product=PlanFactory(code="ZX128"), priority=10)
    upgrade.from_plans.set([fx38, fx58])
    return {
        "vip": OfferFactory(code="VIP", product=PlanFactory(code="QQT388"), audience="vip", min_vip_level=2,
                            priority=20),
        "spend": OfferFactory(code="SPEND", product=PlanFactory(code="ZX198"), spend_min=D("150"), priority=15),
        "upgrade": upgrade,
        "ordinary": OfferFactory(code="ORD", product=PlanFactory(code="DATA10"), audience="ordinary", priority=5),
        "data": OfferFactory(code="ANY", product=PlanFactory(code="FAM10"), priority=1),
        "fx38": fx38,
    }


@pytest.fixture
def line_on(customer, hall):
    from customers.models import Account, Line

    def make(plan, msisdn="13912345670"):
        return Line.objects.create(msisdn=msisdn, customer=customer, account=Account.objects.create(customer=customer),
                                   plan=plan, hall=hall)

    return make


def _codes(customer, **kw):
    return [r.offer.code for r in recommendation_list(customer=customer, on_date=DAY, limit=10, **kw)]


def test_an_ordinary_customer_without_bills_gets_the_offers_that_need_no_spend(customer, offers):
    assert _codes(customer) == ["ORD", "ANY"]


def test_a_big_customer_of_a_high_enough_level_gets_the_vip_offer_and_not_the_ordinary_one(customer, offers):
    classify(customer, "vip", level=1)
    assert _codes(customer) == ["ANY"]
    classify(customer, "vip", level=3)
    recs = recommendation_list(customer=customer, on_date=DAY, limit=10)
    assert [r.offer.code for r in recs] == ["VIP", "ANY"]
    assert recs[0].reasons == ("大客户，3级",)


def test_a_class_out_of_its_dates_does_not_count(customer, offers):
    classify(customer, "vip", level=3, until=date(2026, 5, 31))
    assert _codes(customer) == ["ORD", "ANY"]


def test_holders_of_the_listed_plans_get_the_upgrade_and_nobody_is_offered_what_they_hold(customer, offers, line_on):
    line_on(offers["fx38"])
    assert _codes(customer) == ["UP", "ORD", "ANY"]
    line_on(offers["upgrade"].product, msisdn="13912345671")
    assert _codes(customer) == ["ORD", "ANY"]


def test_spend_bound_offers_wait_for_a_known_spend(customer, offers, line_on):
    assert "SPEND" not in _codes(customer)               # no bill: the spend is unknown, never guessed
    line = line_on(offers["fx38"])
    bill_record(line=line, period=date(2026, 5, 1), total="149.98")
    bill_record(line=line, period=date(2026, 4, 1), total="150.00")
    assert "SPEND" not in _codes(customer)               # average 149.99
    bill_record(line=line, period=date(2026, 3, 1), total="150.03")
    recs = recommendation_list(customer=customer, on_date=DAY, limit=10)
    assert recs[0].offer.code == "SPEND" and recs[0].reasons == ("月均消费¥150.00",)


def test_a_blacklisted_customer_gets_no_offer(customer, offers):
    classify(customer, "blacklist")
    assert _codes(customer) == []


def test_the_number_of_offers_is_a_tariff_parameter_and_the_queries_are_few(customer, offers, set_tariff,
                                                                             django_assert_max_num_queries):
    set_tariff("recommendation.max_offers", "1")
    with django_assert_max_num_queries(6):
        assert [r.offer.code for r in recommendation_list(customer=customer, on_date=DAY)] == ["ORD"]


def test_the_outcome_is_recorded_with_rep_hall_and_audit(rep, customer, offers):
    outcome = recommendation_record(actor=rep, customer=customer, offer=offers["data"], accepted=True,
                                    business="open_account", order_reference="O-1")
    assert (outcome.staff, outcome.hall, outcome.accepted, outcome.order_reference) == (rep, rep.hall, True, "O-1")
    event = AuditEvent.objects.get(action="recommendation.accept")
    assert event.after == {"offer": "ANY", "customer": customer.pk, "business": "open_account"}
    recommendation_record(actor=rep, customer=customer, offer=offers["data"], accepted=False)
    assert AuditEvent.objects.filter(action="recommendation.decline").count() == 1


def test_an_offer_out_of_its_dates_cannot_be_recorded_and_nothing_is_written(rep, customer, offers):
    offer = offers["data"]
    offer.valid_until = date(2025, 1, 1)
    offer.save()
    with pytest.raises(OfferUnavailableError) as exc:
        recommendation_record(actor=rep, customer=customer, offer=offer, accepted=True)
    assert exc.value.code == "offer_unavailable"
    assert RecommendationOutcome.objects.count() == 0 and not AuditEvent.objects.filter(
        action__startswith="recommendation.").exists()

"""Catalog list, live quote (htmx) and recommendations on the counter screen."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.tests.factories import FeatureFactory, OfferFactory, PlanFactory
from orders.models import RecommendationOutcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(reference):
    return PlanFactory(code="5G-128", name="5G智享128", monthly_fee=Decimal("128.00"), data_mb=30 * 1024)


def test_the_catalog_lists_plans_features_fees(logged_in, plan):
    FeatureFactory(code="CLIP", name="来电显示", monthly_fee=Decimal("5.00"))
    html = logged_in.get(reverse("catalog:catalog")).content.decode()
    assert "5G智享128" in html and "30</span> GB" in html and "来电显示" in html and "选号费（特级靓号）" in html


def test_the_quote_screen_without_a_product_asks_for_one(logged_in, plan, premium):
    response = logged_in.get(reverse("orders:quote"), {"business": "open_account", "msisdn": premium.msisdn})
    html = response.content.decode()
    assert response.status_code == 200 and "请选择产品" in html
    assert f'value="{premium.msisdn}"' in html  # carried over from the reservation


def test_htmx_swaps_the_itemised_quote(logged_in, plan, premium, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        response = logged_in.get(reverse("orders:quote"), {
            "business": "open_account", "product": plan.code, "msisdn": premium.msisdn, "sim_capacity": "usim",
            "payment_method": "cash"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "选号费（特级靓号）" in html and "¥2,000.00" in html and "¥5,130.00" in html


def test_a_refused_quote_shows_why(logged_in, plan):
    response = logged_in.get(reverse("orders:quote"), {"business": "open_account", "product": plan.code,
                                                       "msisdn": "13800000000", "payment_method": "cash"},
                             HTTP_HX_REQUEST="true")
    assert "号码资源中没有该号码。" in response.content.decode()


def test_recommendations_show_for_the_customer_and_the_answer_is_recorded(logged_in, rep, plan, customer):
    OfferFactory(code="DATA1G", name="流量加油包", product=PlanFactory(code="D1"))
    url = reverse("orders:quote") + f"?customer={customer.pk}&business=open_account"
    html = logged_in.get(url).content.decode()
    assert "流量加油包" in html and customer.name in html
    response = logged_in.post(reverse("orders:recommendation_outcome"), {
        "customer": customer.pk, "offer": "DATA1G", "accepted": "1", "business": "open_account", "next": url})
    assert response.status_code == 302 and response.url == url
    outcome = RecommendationOutcome.objects.get()
    assert (outcome.accepted, outcome.staff, outcome.business) == (True, rep, "open_account")


def test_an_outside_next_url_is_not_followed(logged_in, customer, reference):
    OfferFactory(code="X1")
    response = logged_in.post(reverse("orders:recommendation_outcome"), {
        "customer": customer.pk, "offer": "X1", "accepted": "0", "next": "https://evil.example/"})
    assert response.url == reverse("home")


def test_the_admin_edits_the_grade_table_and_a_bad_pattern_is_refused(client, make_staff, reference):
    from boss.models import AuditEvent
    from catalog.models import NumberGrade, NumberGradeRule

    client.force_login(make_staff("admin", username="adm", hall=None, is_staff=True))
    url = reverse("admin:catalog_numbergraderule_add")
    grade = NumberGrade.objects.get(code="level3")
    data = {"code": "ABBA", "name": "尾号ABBA", "kind": "tail", "pattern": "abba", "grade": grade.pk,
            "demote_steps": 0, "window": 4, "priority": 5, "active": "on"}
    refused = client.post(url, data)
    assert refused.status_code == 200 and not NumberGradeRule.objects.filter(code="ABBA").exists()
    assert client.post(url, {**data, "pattern": "ABBA"}).status_code == 302
    assert AuditEvent.objects.filter(action="admin.numbergraderule.add").exists()


def test_the_admin_grades_the_free_numbers_again_after_changing_a_rule(client, make_staff, reference, add_numbers):
    from celery import current_app

    from boss.models import AuditEvent
    from catalog.models import NumberGradeRule
    from inventory.models import NumberResource

    add_numbers("13912351122")
    NumberGradeRule.objects.filter(code="AABB").update(active=False)
    client.force_login(make_staff("admin", username="adm", hall=None, is_staff=True))
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True  # the task runs here, on the test database, instead of a worker
    try:
        response = client.post(reverse("admin:catalog_numbergraderule_changelist"), {
            "action": "regrade_pool", "_selected_action": [NumberGradeRule.objects.first().pk]}, follow=True)
    finally:
        current_app.conf.task_always_eager = eager
    assert response.status_code == 200 and "已预占、已售出或冷冻期内的号码保留原等级" in response.content.decode()
    assert NumberResource.objects.get(msisdn="13912351122").grade.code != "level3"
    assert AuditEvent.objects.get(action="numbers.regrade").after == {"checked": 1, "changed": 1}

"""Plan change on the screen and through the API: listed only where the line's state allows it (and its
cancellation only where a change is pending), nothing chosen for the customer, the refusal at the field with
nothing written, the agreement PDF in Chinese, an accepted plan offer leading straight into it."""

import uuid
from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from catalog.models import Offer
from catalog.tests.factories import PlanFactory
from customers.models import Line
from orders.models import Order, PlanChange
from orders.tests.drafts import sign_and_commit

pytestmark = pytest.mark.django_db
DOCS = {"documents_checked": ["id_original"], "agreement_signed": True}


@pytest.fixture
def counter(client, live):
    PlanFactory(code="4G68", name="畅享68元", monthly_fee="68.00", valid_from=date(2024, 1, 1))
    client.force_login(live.rep)
    return client


def test_the_line_screen_offers_a_plan_change_and_its_cancel_only_when_pending(counter, live):
    url = reverse("orders:line_detail", args=[live.line.msisdn])
    html = counter.get(url).content.decode()
    assert 'data-testid="service-plan-change"' in html and 'data-testid="service-plan-change-cancel"' not in html
    form = counter.get(reverse("orders:line_process", args=[live.line.msisdn, "plan-change"])).content.decode()
    assert "畅享68元" in form and 'value="4G68" selected' not in form   # nothing chosen for the customer
    assert 'name="immediate"' not in form                               # the tariff does not allow it
    entered = counter.post(reverse("orders:line_process", args=[live.line.msisdn, "plan-change"]),
                           {"idempotency_key": "pc-1", "plan": "4G68", "documents_checked": ["id_original"]})
    assert not PlanChange.objects.exists()                              # a draft takes nothing
    response = sign_and_commit(counter, entered, method="cash")
    order = Order.objects.get(kind="plan_change")
    assert response.url == reverse("orders:order_detail", args=[order.pk])
    html = counter.get(url).content.decode()
    assert 'data-testid="plan-change-pending"' in html and "畅享68元" in html
    assert 'data-testid="service-plan-change-cancel"' in html
    Line.objects.filter(pk=live.line.pk).update(status="suspended_arrears")
    html = counter.get(url).content.decode()
    assert 'data-testid="service-plan-change"' not in html


def test_a_refused_plan_change_shows_at_the_field_and_writes_nothing(counter, live):
    url = reverse("orders:line_process", args=[live.line.msisdn, "plan-change"])
    response = counter.post(url, {"idempotency_key": "pc-2", "plan": "4G68"})     # no document checked
    assert response.status_code == 400 and "has-error" in response.content.decode()
    response = counter.post(url, {"idempotency_key": "pc-3", "documents_checked": ["id_original"]})   # no plan
    assert response.status_code == 400
    assert not Order.objects.filter(kind="plan_change").exists() and not PlanChange.objects.exists()


def test_the_agreement_pdf_says_old_and_new_plan_and_the_day(counter, live):
    from orders.services.plan_change import line_plan_change
    from orders.views.lines import line_agreement_context

    order = line_plan_change(actor=live.rep, line=live.line, plan="4G68", **DOCS)
    from django.template.loader import render_to_string

    html = render_to_string("orders/pdf/line_agreement.html", line_agreement_context(order))
    assert "原套餐" in html and "5G智享128元" in html and "畅享68元" in html and "次月1日生效" in html


def test_an_accepted_plan_offer_leads_into_the_plan_change_with_its_plan(counter, live):
    from catalog.models import Plan

    offer = Offer.objects.create(code="UP68", name="畅享68元推荐", product=Plan.objects.get(code="4G68"),
                                 valid_from=date(2024, 1, 1))
    response = counter.post(reverse("orders:recommendation_outcome"), {
        "customer": live.line.customer_id, "offer": offer.code, "accepted": "1", "business": "plan_change",
        "next": "/"})
    assert response.status_code == 302
    assert response.url == reverse("orders:line_process", args=[live.line.msisdn, "plan-change"]) + "?plan=4G68"
    form = counter.get(response.url).content.decode()
    assert 'value="4G68" selected' in form


def test_plan_change_and_its_cancel_through_the_api(live, counter):
    api = APIClient()
    api.force_authenticate(live.rep)
    url = f"/api/v1/lines/{live.line.msisdn}/plan-change"
    assert api.post(url, {"plan": "4G68", **DOCS}, format="json").status_code == 400   # money: key required
    response = api.post(url, {"plan": "4G68", **DOCS}, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 201, response.json()
    assert response.json()["type"] == "plan_change"
    again = api.post(url, {"plan": "4G68", **DOCS}, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert again.status_code == 409 and again.json()["code"] == "plan_change_pending"
    services = [s["process"] for s in api.get(f"/api/v1/lines/{live.line.msisdn}/services").json()["services"]]
    assert "plan-change-cancel" in services
    cancel = api.post(f"/api/v1/lines/{live.line.msisdn}/plan-change-cancel", DOCS, format="json")
    assert cancel.status_code == 201 and PlanChange.objects.get().state == "cancelled"
    bad = api.post(url, {"plan": "4G68", "immediate": True, **DOCS}, format="json",
                   HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert bad.status_code == 400 and bad.json()["code"] == "plan_change_immediate"

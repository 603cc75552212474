"""Issue 11 items 2, 3, 5, 13: an add-on is not a main plan (the screen does not offer one, the service and
the API refuse one); one monthly net price for the quote, the confirm screen, the agreement and the first bill,
for every main plan and discount of the demo catalogue and both kinds of customer; what the customer says
starts empty and is required; the service password is the customer's to type."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from billing.models import FeeType
from billing.services.charges import LineInfo, line_month_items, line_months_load
from boss.money import ZERO, format_yuan
from boss.months import month_add, month_start
from catalog import demo as catalog_demo
from catalog.models import Discount, Plan, in_force_q
from catalog.services.quote import quote_price
from customers.models import Line
from inventory.models import SimCard
from orders.models import Order, RetentionAttempt
from orders.services.open_account import order_open_account_create, order_open_account_pay
from orders.views.open_account import open_account_agreement_context
from provisioning.services import work_orders_run

pytestmark = pytest.mark.django_db
DOCS = ["id_original", "unit_letter", "licence"]


@pytest.fixture
def demo_catalog(opening):
    catalog_demo.load()
    return [p for p in Plan.objects.filter(in_force_q(date.today()), kind=Plan.Kind.MAIN, active=True)]


def test_the_opening_lists_main_plans_only_and_the_service_and_api_refuse_an_add_on(client, api, opening,
                                                                                     demo_catalog):
    client.force_login(opening.rep)
    html = client.get(reverse("orders:open_account_product", args=[opening.customer.pk])).content.decode()
    products = re.search(r'<select name="product".*?</select>', html, re.S).group(0)
    assert "5G智享套餐 128元档" in products and "流量加油包" not in products and "家庭亲情网" not in products
    opening.reserve()
    with pytest.raises(Exception) as refused:
        order_open_account_create(actor=opening.rep, customer=opening.customer, msisdn="13912345670",
                                  product_code="DATA-10-1G", sim_capacity="usim", documents_checked=DOCS,
                                  service_password="428571")
    assert refused.value.code == "main_plan_required"
    response = api.post("/api/v1/orders/open-account", {
        "customer_id": opening.customer.pk, "msisdn": "13912345670", "product_code": "DATA-10-1G",
        "sim_capacity": "usim", "payment_method": "cash", "documents_checked": ["id_original"],
        "service_password": "428571"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "main_plan_required"
    assert response.json()["message"].startswith("请选择主套餐")
    assert Order.objects.count() == 0


def _billed_monthly(line: Line) -> Decimal:
    """The first full month's plan fee, feature fees and discounts of the line, as the bill run computes them."""
    period = month_start(month_add(date.today(), 1))
    line = Line.objects.select_related("account").get(pk=line.pk)
    lm = line_months_load([LineInfo.of(line)], period, usage=False, charged=False)[line.pk]
    return sum((i.amount for i in line_month_items(lm) if i.fee_type in (FeeType.MONTHLY, FeeType.FEATURE,
                                                                            FeeType.DISCOUNT)), ZERO)


def test_quote_confirm_agreement_and_first_bill_show_one_monthly_net_price(client, opening, demo_catalog,
                                                                            set_tariff, add_numbers):
    set_tariff("identity.max_lines", "50")
    client.force_login(opening.rep)
    customers = [opening.customer, opening.organization]
    numbers = [n.msisdn for n in add_numbers(*[f"1391300{i:04d}" for i in range(len(demo_catalog) * 2)])]
    for i in range(len(numbers)):
        SimCard.objects.create(iccid=f"898600999900000{i:05d}", imsi=f"46000999{i:07d}", capacity="usim",
                               hall=opening.rep.hall)
    seen, lines = {}, {}
    for plan in demo_catalog:
        # Every plan for an individual; an organization too where a discount for organizations could apply.
        kinds = customers if Discount.objects.filter(customer_kind="organization", brand__in=["", plan.brand]) \
            .exists() else customers[:1]
        for customer in kinds:
            msisdn = numbers.pop()
            with translation.override("zh-hans"):
                quote = quote_price(business="open_account", product_code=plan.code, customer_kind=customer.kind)
            opening.reserve(msisdn, customer=customer)
            order = order_open_account_create(actor=opening.rep, customer=customer, msisdn=msisdn,
                                              product_code=plan.code, sim_capacity="usim", documents_checked=DOCS,
                                              service_password="428571")
            expected = format_yuan(quote.monthly_total)
            assert Decimal(order.details["monthly_total"]) == quote.monthly_total
            confirm = client.get(reverse("orders:order_confirm", args=[order.pk])).content.decode()
            shown = re.search(r'data-testid="monthly-total">([^<]+)<', confirm).group(1)
            assert shown == expected, (plan.code, customer.kind)
            with translation.override("zh-hans"):
                agreement = render_to_string("orders/pdf/agreement.html", open_account_agreement_context(order))
            assert f'data-testid="monthly-total">{expected}<' in agreement, (plan.code, customer.kind)
            paid = order_open_account_pay(actor=opening.rep, order=order, method="cash", tendered=order.amount_due,
                                          agreement_signed=True)
            seen[(plan.code, customer.kind)] = quote.monthly_total
            lines[(plan.code, customer.kind)] = paid.line
    work_orders_run()  # the network confirms: the lines are active
    assert {k: _billed_monthly(line) for k, line in lines.items()} == seen
    # The 5G new-customer discount is for 5G plans only; the government-and-enterprise one for organizations.
    assert seen[("4G-FX-38", "individual")] == Decimal("38.00")
    assert seen[("5G-ZX-128", "individual")] == Decimal("102.40")
    assert seen[("QQT-ZX-388", "organization")] == Decimal("300.40")
    assert seen[("QQT-ZX-388", "individual")] == Decimal("310.40")


def test_an_untouched_precancel_form_records_nothing_the_customer_did_not_say(client, live):
    client.force_login(live.manager)
    url = reverse("orders:line_process", args=[live.line.msisdn, "precancel"])
    page = client.get(url).content.decode()
    assert not re.search(r'<option value="[a-z_]+" selected', page)
    assert not re.search(r'name="retention_accepted"[^>]*checked', page)
    response = client.post(url, {"retention_offer": "保号套餐", "documents_checked": ["id_original"],
                                 "agreement_signed": "on", "method": "cash",
                                 "idempotency_key": "k-untouched"})
    assert response.status_code == 400
    form = response.context["form"]
    assert "retention_reason" in form.errors and "retention_accepted" in form.errors
    assert not RetentionAttempt.objects.exists() and not Order.objects.filter(kind="precancel").exists()


def test_the_service_password_is_not_prefilled_nor_shown(client, opening):
    client.force_login(opening.rep)
    html = client.get(reverse("orders:open_account_product", args=[opening.customer.pk])).content.decode()
    field = re.search(r'<input[^>]*name="service_password"[^>]*>', html).group(0)
    assert 'type="password"' in field and "value=" not in field

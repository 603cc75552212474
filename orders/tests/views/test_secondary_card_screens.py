"""Secondary cards on the line screen and through the API: offered where the state allows (removal only
where a card is attached), the cards listed on both lines, the number typed (nothing chosen for the
customer), a refusal at the field with nothing written, the agreement PDF in Chinese, the API's shape and
codes, the line screen's query count."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from rest_framework.test import APIClient

from customers.models import SecondaryCard
from orders.models import Order
from orders.tests.drafts import sign_and_commit

pytestmark = pytest.mark.django_db
DOCS = {"documents_checked": ["id_original"], "agreement_signed": True}


@pytest.fixture
def counter(client, live):
    live.plan.max_secondary_cards = 1
    live.plan.save(update_fields=["max_secondary_cards"])
    live.second = live.open_line("13912358888")
    live.third = live.open_line("13912345671")
    client.force_login(live.rep)
    return client


def test_a_card_is_added_at_the_counter_and_shown_on_both_lines(counter, live, django_assert_max_num_queries):
    url = reverse("orders:line_detail", args=[live.line.msisdn])
    html = counter.get(url).content.decode()
    assert 'data-testid="service-secondary-add"' in html and 'data-testid="service-secondary-remove"' not in html
    form_url = reverse("orders:line_process", args=[live.line.msisdn, "secondary-add"])
    form = counter.get(form_url).content.decode()
    assert "副卡号码" in form and "套餐“5G智享128元”可带 1 张副卡；本号码已有 0 张。" in form
    entered = counter.post(form_url, {"idempotency_key": "sc-1", "secondary": "13912358888", **DOCS})
    assert not SecondaryCard.objects.exists()                   # a draft takes nothing (issue 16)
    response = sign_and_commit(counter, entered)
    order = Order.objects.get(kind="secondary_add")
    assert response.url == reverse("orders:order_detail", args=[order.pk])
    with django_assert_max_num_queries(40):
        html = counter.get(url).content.decode()
    assert 'data-testid="secondary-cards"' in html and "13912358888" in html and "已有 1 张，套餐最多 1 张" in html
    assert 'data-testid="service-secondary-remove"' in html
    other = counter.get(reverse("orders:line_detail", args=["13912358888"])).content.decode()
    assert 'data-testid="primary-card"' in other and "13912345670" in other
    remove_url = reverse("orders:line_process", args=[live.line.msisdn, "secondary-remove"])
    form = counter.get(remove_url).content.decode()
    assert "13912358888" in form and 'value="13912358888" selected' not in form
    entered = counter.post(remove_url, {"idempotency_key": "sc-2", "secondary": "13912358888", **DOCS})
    response = sign_and_commit(counter, entered)
    assert response.status_code == 302 and SecondaryCard.objects.get().end_reason == "removed"


def test_a_refused_card_shows_at_the_field_and_writes_nothing(counter, live):
    form_url = reverse("orders:line_process", args=[live.line.msisdn, "secondary-add"])
    sign_and_commit(counter, counter.post(form_url, {"idempotency_key": "sc-3", "secondary": "13912358888", **DOCS}))
    response = counter.post(form_url, {"idempotency_key": "sc-4", "secondary": "13912345671", **DOCS})
    html = response.content.decode()
    assert response.status_code == 400 and "has-error" in html
    assert "套餐“5G智享128元”最多可带 1 张副卡，本号码已有 1 张" in html
    assert SecondaryCard.objects.count() == 1 and Order.objects.filter(kind="secondary_add").count() == 1
    bad = counter.post(form_url, {"idempotency_key": "sc-5", "secondary": "1391", **DOCS})
    assert bad.status_code == 400 and "请输入11位手机号码。" in bad.content.decode()
    assert SecondaryCard.objects.count() == 1


def test_the_agreement_pdf_names_both_numbers_the_plan_and_the_day(counter, live):
    from orders.services.secondary_cards import line_secondary_add
    from orders.views.lines import line_agreement_context

    order = line_secondary_add(actor=live.rep, line=live.line, secondary="13912358888", **DOCS)
    html = render_to_string("orders/pdf/line_agreement.html", line_agreement_context(order))
    assert "增加副卡" in html and "主卡号码" in html and "13912358888" in html and "5G智享128元" in html
    assert "共享起始日" in html and "副卡自受理当日起共享主卡套餐" in html


def test_secondary_cards_through_the_api(counter, live):
    api = APIClient()
    api.force_authenticate(live.rep)
    url = f"/api/v1/lines/{live.line.msisdn}/secondary-add"
    response = api.post(url, {"secondary": "13912358888", **DOCS}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["type"] == "secondary_add"
    again = api.post(url, {"secondary": "13912345671", **DOCS}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "secondary_card_limit"
    assert "最多可带 1 张副卡" in again.json()["message"]
    bad = api.post(url, {"secondary": "12", **DOCS}, format="json")
    assert bad.status_code == 400
    services = [s["process"] for s in api.get(f"/api/v1/lines/{live.line.msisdn}/services").json()["services"]]
    assert "secondary-add" in services and "secondary-remove" in services
    removed = api.post(f"/api/v1/lines/{live.line.msisdn}/secondary-remove", {"secondary": "13912358888", **DOCS},
                       format="json")
    assert removed.status_code == 201 and removed.json()["type"] == "secondary_remove"
    gone = api.post(f"/api/v1/lines/{live.line.msisdn}/secondary-remove", {"secondary": "13912358888", **DOCS},
                    format="json")
    assert gone.status_code == 409 and gone.json()["code"] == "secondary_card"


@pytest.fixture
def addon(db):
    """The catalogue add-on the tariff names for secondary cards (billing.secondary_card_addon)."""
    from datetime import date

    from catalog.models import Plan

    return Plan.objects.create(code="FAM-FK-10", name="主副卡 副卡10元/张", kind=Plan.Kind.FAMILY, monthly_fee="10.00",
                               valid_from=date(2020, 1, 1))


def test_the_quote_the_draft_and_the_agreement_tell_each_card_s_monthly_fee(counter, live, addon):
    from orders.views.lines import line_agreement_context

    form_url = reverse("orders:line_process", args=[live.line.msisdn, "secondary-add"])
    quote = counter.get(form_url).content.decode()
    assert "每张副卡的月费，计入本号码帐单：主副卡 副卡10元/张" in quote and "¥10.00" in quote
    assert 'data-due="0.00"' in quote                           # told, not taken at the counter
    entered = counter.post(form_url, {"idempotency_key": "sc-6", "secondary": "13912358888", **DOCS})
    draft = counter.get(entered.url).content.decode()
    assert "每张副卡月费" in draft and "¥10.00（主副卡 副卡10元/张），自共享当日起按天折算，计入主卡帐单" in draft
    sign_and_commit(counter, entered)
    order = Order.objects.get(kind="secondary_add")
    html = render_to_string("orders/pdf/line_agreement.html", line_agreement_context(order))
    assert "副卡月功能费" in html and "每张副卡每月 ¥10.00（主副卡 副卡10元/张）" in html


def test_no_add_on_in_the_tariff_shows_no_card_fee(counter, live, addon, set_tariff):
    from orders.views.lines import line_agreement_context

    set_tariff("billing.secondary_card_addon", "")
    form_url = reverse("orders:line_process", args=[live.line.msisdn, "secondary-add"])
    assert "每张副卡的月费" not in counter.get(form_url).content.decode()
    entered = counter.post(form_url, {"idempotency_key": "sc-7", "secondary": "13912358888", **DOCS})
    assert "每张副卡月费" not in counter.get(entered.url).content.decode()
    sign_and_commit(counter, entered)
    order = Order.objects.get(kind="secondary_add")
    assert "card_fee" not in order.details
    assert "副卡月功能费" not in render_to_string("orders/pdf/line_agreement.html", line_agreement_context(order))

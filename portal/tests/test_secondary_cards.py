"""Secondary cards on the web (issue 17): the customer adds one of their own other lines as a secondary card
and removes it, through the counter's services with the web channel as the operator; the counter's refusals
with nothing written; only the customer's own lines are offered, another customer's line (as the page's line
or as the card) is a 404 or a refused choice, never named; sent twice, done once."""

import pytest
from django.urls import reverse

from customers.models import SecondaryCard
from orders.models import Order
from portal.tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(live, mine):
    """The signed-in customer's 5G128 line takes one secondary card; they own a second line."""
    live.plan.max_secondary_cards = 1
    live.plan.save(update_fields=["max_secondary_cards"])
    return live.open_line("13912345671")


def test_a_secondary_card_is_added_and_removed_on_the_web_once_each(client, mine, family):
    sign_in(client, mine)
    assert 'data-testid="go-secondary"' in client.get(reverse("portal:line", args=[mine.pk])).content.decode()
    url = reverse("portal:secondary", args=[mine.pk])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "13912345671" in html
    assert f'value="{family.pk}" selected' not in html                                  # nothing chosen
    key = page.context["form"].initial["idempotency_key"]
    data = {"secondary": str(family.pk), "agreed": "on", "idempotency_key": key}
    first = client.post(url, data)
    again = client.post(url, data)
    assert first.status_code == again.status_code == 200 and "13912345671" in first.content.decode()
    card = SecondaryCard.objects.get(until__isnull=True)
    assert (card.primary_id, card.secondary_id) == (mine.pk, family.pk)
    order = Order.objects.get(kind="secondary_add")
    assert order.actor.username == "web" and order.documents_checked == ["web_signin"]
    assert 'data-testid="secondary-remove-13912345671"' in client.get(url).content.decode()
    removed = client.post(reverse("portal:secondary_remove", args=[mine.pk]),
                          {"secondary": "13912345671", "agreed": "on", "idempotency_key": "r1"})
    assert removed.status_code == 200
    card.refresh_from_db()
    assert card.end_reason == "removed" and Order.objects.filter(kind="secondary_remove").count() == 1


def test_the_counters_refusals_show_and_write_nothing(client, live, mine, family):
    live.plan.max_secondary_cards = 0
    live.plan.save(update_fields=["max_secondary_cards"])
    sign_in(client, mine)
    url = reverse("portal:secondary", args=[mine.pk])
    before = (Order.objects.count(), SecondaryCard.objects.count())
    refused = client.post(url, {"secondary": str(family.pk), "agreed": "on", "idempotency_key": "a1"})
    assert refused.status_code == 409
    assert "套餐“5G智享128元”不能办理副卡：请先变更为可带副卡的套餐。" in refused.content.decode()
    unsigned = client.post(url, {"secondary": str(family.pk), "idempotency_key": "a2"})
    assert unsigned.status_code == 400 and unsigned.context["form"].errors["agreed"]
    not_card = client.post(reverse("portal:secondary_remove", args=[mine.pk]),
                           {"secondary": "13912345671", "agreed": "on", "idempotency_key": "a3"})
    assert not_card.status_code == 409 and "13912345671 不是本号码的副卡。" in not_card.content.decode()
    assert (Order.objects.count(), SecondaryCard.objects.count()) == before


def test_another_customers_lines_are_neither_shown_nor_taken(client, mine, family, theirs):
    sign_in(client, mine)
    assert client.get(reverse("portal:secondary", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("portal:secondary_remove", args=[theirs.pk]),
                       {"secondary": mine.msisdn, "agreed": "on", "idempotency_key": "x"}).status_code == 404
    url = reverse("portal:secondary", args=[mine.pk])
    assert theirs.msisdn not in client.get(url).content.decode()
    taken = client.post(url, {"secondary": str(theirs.pk), "agreed": "on", "idempotency_key": "t1"})
    assert taken.status_code == 400 and taken.context["form"].errors["secondary"]
    assert theirs.msisdn not in taken.content.decode()
    assert not SecondaryCard.objects.exists() and not Order.objects.filter(kind="secondary_add").exists()


def test_the_secondary_cards_page_takes_a_bounded_number_of_queries(client, mine, family,
                                                                   django_assert_max_num_queries):
    sign_in(client, mine)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("portal:secondary", args=[mine.pk])).status_code == 200


def test_the_page_tells_each_card_s_monthly_fee_from_the_add_on_the_bill_charges(client, mine, family, set_tariff):
    from datetime import date

    from catalog.models import Plan

    Plan.objects.create(code="FAM-FK-10", name="主副卡 副卡10元/张", kind=Plan.Kind.FAMILY, monthly_fee="10.00",
                        valid_from=date(2020, 1, 1))
    sign_in(client, mine)
    url = reverse("portal:secondary", args=[mine.pk])
    assert "每张副卡每月 ¥10.00（主副卡 副卡10元/张），计入本号码帐单" in client.get(url).content.decode()
    set_tariff("billing.secondary_card_addon", "")
    assert 'data-testid="card-fee"' not in client.get(url).content.decode()

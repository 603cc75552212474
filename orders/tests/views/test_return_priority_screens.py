"""The screens of a returning customer's priority number selection (process 3.2): the notice and the former
numbers first on the opening's number step, taking one back, the refusal at the counter, the 360 page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory.models import NumberReservation, NumberResource
from orders.tests.factories import CustomerFactory
from orders.tests.returning import leave

pytestmark = pytest.mark.django_db
NOTICE = "回归客户：享有优先选号"
TAG = "原号码（冷冻期内可优先选回）"


@pytest.fixture
def returning(live, client):
    leave(live)
    client.force_login(live.rep)
    live.client = client
    return live


def test_the_number_step_shows_the_notice_and_the_former_number_first(returning):
    today = timezone.localdate()
    html = returning.client.get(reverse("orders:open_account_product", args=[returning.customer.pk])).content.decode()
    assert NOTICE in html and today.isoformat() in html and (today + timedelta(days=365)).isoformat() in html
    assert TAG in html and 'data-testid="former-number"' in html
    found = returning.client.get(reverse("orders:open_account_numbers", args=[returning.customer.pk]),
                                 {"ending": "5671"}, HTTP_HX_REQUEST="true").content.decode()
    assert found.index("139 1234 5670") < found.index(TAG) < found.index("139 1234 5671")  # first, tagged


def test_another_customers_number_step_shows_neither(returning):
    other = CustomerFactory()
    html = returning.client.get(reverse("orders:open_account_product", args=[other.pk])).content.decode()
    assert NOTICE not in html and TAG not in html
    found = returning.client.get(reverse("orders:open_account_numbers", args=[other.pk]), {"ending": "5670"},
                                 HTTP_HX_REQUEST="true").content.decode()
    assert TAG not in found and "139 1234 5670" not in found


def test_the_returning_customer_takes_the_former_number_at_the_counter(returning):
    msisdn = returning.line.msisdn
    response = returning.client.post(reverse("orders:open_account_reserve", args=[returning.customer.pk]),
                                     {"msisdn": msisdn}, HTTP_HX_REQUEST="true")
    assert f'value="{msisdn}"' in response.content.decode()
    reservation = NumberReservation.objects.get(number__msisdn=msisdn, state="active")
    assert reservation.customer == returning.customer


def test_another_customer_is_refused_the_former_number_at_the_counter_and_nothing_is_written(returning):
    msisdn = returning.line.msisdn
    response = returning.client.post(reverse("orders:open_account_reserve", args=[CustomerFactory().pk]),
                                     {"msisdn": msisdn}, HTTP_HX_REQUEST="true")
    assert "该号码不可用" in response.content.decode()
    assert not NumberReservation.objects.filter(number__msisdn=msisdn, state="active").exists()
    assert NumberResource.objects.get(msisdn=msisdn).status == "frozen"


def test_the_customer_360_page_shows_the_priority_with_its_end_date(returning):
    until = (timezone.localdate() + timedelta(days=365)).isoformat()
    html = returning.client.get(reverse("customers:detail", args=[returning.customer.pk])).content.decode()
    assert "优先选号" in html and NOTICE in html and until in html and returning.line.msisdn[-4:] in html
    other = returning.client.get(reverse("customers:detail", args=[CustomerFactory().pk])).content.decode()
    assert NOTICE not in other

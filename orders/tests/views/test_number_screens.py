"""Number selection screens: search (full page and htmx), reserve (idempotent form), release."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from inventory.models import NumberReservation, NumberResource
from inventory.services.numbers import number_reserve

pytestmark = pytest.mark.django_db


def test_search_by_ending_lists_free_numbers_with_grade_and_fee(logged_in, add_numbers, django_assert_max_num_queries):
    add_numbers("13912358888", "13812348888", "13912345670")
    with django_assert_max_num_queries(16):  # session, user, perms, nav; count, fees, page; the filter choices
        response = logged_in.get(reverse("orders:number_search"), {"ending": "8888"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "139 1235 <strong class=\"tail\">8888</strong>" in html and "特级靓号" in html
    assert "¥2,000.00" in html and "13912345670" not in html
    assert 'data-keynav' in html and 'data-hit' in html


def test_the_query_count_does_not_grow_with_the_page(logged_in, add_numbers):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert logged_in.get(reverse("orders:number_search")).status_code == 200
        return len(queries)

    add_numbers("13912300001", "13912300002")
    few = count()
    add_numbers(*[f"139124{i:05d}" for i in range(40)])
    assert count() == few


def test_htmx_gets_only_the_results(logged_in, premium):
    response = logged_in.get(reverse("orders:number_search"), {"ending": "8888"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "number-results" in html and premium.msisdn in html


def test_a_bad_ending_is_shown_at_the_filter(logged_in, reference):
    response = logged_in.get(reverse("orders:number_search"), {"ending": "88a"})
    assert response.status_code == 200 and "请输入1至8位数字。" in response.content.decode()


def test_reserved_numbers_are_not_offered_until_their_time_is_up(logged_in, rep, make_staff, premium):
    reservation = number_reserve(actor=make_staff("sales_rep", username="rep_b"), msisdn=premium.msisdn)
    assert premium.msisdn not in logged_in.get(reverse("orders:number_search")).content.decode()
    with time_machine.travel(reservation.reserved_until + timedelta(seconds=1)):
        logged_in.force_login(rep)  # the session itself would have timed out meanwhile
        assert premium.msisdn in logged_in.get(reverse("orders:number_search")).content.decode()


def test_reserving_from_the_screen_goes_to_the_quote_and_a_double_submit_reserves_once(logged_in, rep, premium,
                                                                                       customer):
    url = reverse("orders:number_reserve", args=[premium.msisdn])
    page = logged_in.get(url, {"customer": customer.pk})
    key = page.context["form"].initial["idempotency_key"]
    assert customer.name in page.content.decode()  # the customer banner
    assert 'data-testid="recommendations"' in page.content.decode()
    data = {"idempotency_key": key, "customer": customer.pk}
    first = logged_in.post(url, data)
    second = logged_in.post(url, data)
    assert first.status_code == second.status_code == 302
    quote = f"{reverse('orders:quote')}?business=open_account&msisdn={premium.msisdn}&customer={customer.pk}"
    assert first.url == second.url == quote
    assert NumberReservation.objects.filter(number=premium, customer=customer, reserved_by=rep).count() == 1


def test_a_number_taken_meanwhile_is_refused_at_the_number(logged_in, make_staff, premium):
    url = reverse("orders:number_reserve", args=[premium.msisdn])
    key = logged_in.get(url).context["form"].initial["idempotency_key"]
    number_reserve(actor=make_staff("sales_rep", username="rep_b"), msisdn=premium.msisdn)
    response = logged_in.post(url, {"idempotency_key": key})
    assert response.status_code == 409
    assert "另一个柜台" in response.content.decode()
    assert NumberReservation.objects.filter(number=premium).count() == 1


def test_an_unknown_number_is_a_404(logged_in, reference):
    assert logged_in.get(reverse("orders:number_reserve", args=["13800000000"])).status_code == 404


def test_the_holder_releases_from_the_list(logged_in, rep, premium):
    number_reserve(actor=rep, msisdn=premium.msisdn)
    listing = logged_in.get(reverse("orders:reservation_list"))
    assert premium.msisdn[:3] in listing.content.decode()
    response = logged_in.post(reverse("orders:number_release", args=[premium.msisdn]))
    assert response.status_code == 302 and response.url == reverse("orders:reservation_list")
    assert NumberResource.objects.get(pk=premium.pk).status == "free"


def test_another_rep_cannot_release_and_is_told_why(client, make_staff, rep, premium):
    number_reserve(actor=rep, msisdn=premium.msisdn)
    client.force_login(make_staff("sales_rep", username="rep_b"))
    response = client.post(reverse("orders:number_release", args=[premium.msisdn]), follow=True)
    assert "只有预占该号码的营业员或经理" in response.content.decode()
    assert NumberResource.objects.get(pk=premium.pk).status == "reserved"


def test_the_home_panel_lists_my_reservations(logged_in, rep, premium):
    number_reserve(actor=rep, msisdn=premium.msisdn)
    html = logged_in.get(reverse("home")).content.decode()
    assert "我预占的号码" in html and "139 1235 8888" in html


def test_the_global_search_finds_a_pool_number(logged_in, premium):
    html = logged_in.get(reverse("search"), {"q": premium.msisdn}).content.decode()
    assert "号码资源" in html and reverse("orders:number_reserve", args=[premium.msisdn]) in html


def test_the_reserve_page_asks_for_no_internal_customer_number(logged_in, rep, premium, customer):
    # issue 11 item 12: the customer is the one served (carried) or found by the ID number they show
    url = reverse("orders:number_reserve", args=[premium.msisdn])
    html = logged_in.get(url).content.decode()
    assert 'type="hidden" name="customer"' in html and "客户编号" not in html
    assert 'name="identity_number"' in html
    served = logged_in.get(url, {"customer": customer.pk}).content.decode()
    assert 'name="identity_number"' not in served            # the banner names the customer already
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    refused = logged_in.post(url, {"idempotency_key": key, "identity_number": "110101199003070011"})
    assert refused.status_code == 409 and "没有持此证件号码的客户" in refused.content.decode()
    assert "has-error" in refused.content.decode() and not NumberReservation.objects.exists()
    response = logged_in.post(url, {"idempotency_key": key, "identity_number": customer.identity.number})
    assert response.status_code == 302
    assert NumberReservation.objects.get(number=premium).customer == customer

"""Customers of other halls (issue 12 item 9): found by an exact identifier from any hall, browsed only in
one's own hall; the customer looked up is open to that rep until sign-out, audited; the full identity number
of another hall's customer is revealed only to the rep serving them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from boss.errors import NotPermitted
from boss.models import AuditEvent
from customers.errors import CustomerNotFoundError
from customers.models import ServedCustomer
from customers.selectors import customer_get, customer_list_for_actor, customer_search
from customers.services import identity_reveal
from customers.tests.factories import CustomerFactory, LineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(other_hall):
    """A customer registered at the other hall, with a line opened there."""
    customer = CustomerFactory(created_hall=other_hall, name="林晓东")
    LineFactory(customer=customer, hall=other_hall, msisdn="13922223333")
    return customer


@pytest.fixture
def ours():
    return CustomerFactory(name="林小红")


def test_the_list_and_a_name_search_show_only_the_reps_own_hall(rep, ours, theirs):
    assert list(customer_list_for_actor(actor=rep)) == [ours]
    assert [c.pk for c in customer_search(actor=rep, query="林").customers] == [ours.pk]
    assert not ServedCustomer.objects.exists()


def test_a_customer_with_a_line_opened_at_the_reps_hall_is_the_halls_customer(rep, hall, theirs):
    LineFactory(customer=theirs, hall=hall)
    assert theirs in customer_list_for_actor(actor=rep)


def test_the_screen_by_id_is_not_found_and_the_attempt_audited(logged_in, theirs):
    response = logged_in.get(reverse("customers:detail", args=[theirs.pk]))
    assert response.status_code == 404
    denied = AuditEvent.objects.get(action="access.denied")
    assert f"customers.customer {theirs.pk}" in denied.after["what"]


def test_the_api_and_the_counter_screens_by_id_do_not_find_them(api, rep, theirs):
    assert api.get(f"/api/v1/customers/{theirs.pk}").status_code == 404
    with pytest.raises(CustomerNotFoundError):
        customer_get(pk=theirs.pk, actor=rep)


@pytest.mark.parametrize("query", ["13922223333", "identity"])
def test_an_exact_lookup_finds_them_opens_them_to_this_rep_and_is_audited(logged_in, rep, make_staff, theirs,
                                                                         query):
    query = theirs.identity.number if query == "identity" else query
    assert [c.pk for c in customer_search(actor=rep, query=query).customers] == [theirs.pk]

    served = AuditEvent.objects.get(action="customer.served_other_hall")
    assert served.actor == rep and served.target_id == str(theirs.pk)
    assert theirs.identity.number not in str(served.after)
    assert logged_in.get(reverse("customers:detail", args=[theirs.pk])).status_code == 200
    assert customer_get(pk=theirs.pk, actor=rep) == theirs
    # Another rep of the same hall did not look them up: still not theirs to browse.
    colleague = make_staff("sales_rep", username="rep_b")
    assert theirs not in customer_list_for_actor(actor=colleague)


def test_a_lookup_of_ones_own_halls_customer_writes_no_served_record(rep, ours):
    LineFactory(customer=ours, msisdn="13911112222")
    customer_search(actor=rep, query="13911112222")
    assert not ServedCustomer.objects.exists()
    assert not AuditEvent.objects.filter(action="customer.served_other_hall").exists()


def test_signing_out_ends_it(client, rep, theirs):
    client.force_login(rep)
    customer_search(actor=rep, query="13922223333")
    assert client.get(reverse("customers:detail", args=[theirs.pk])).status_code == 200
    client.post(reverse("logout"))
    client.force_login(rep)
    assert client.get(reverse("customers:detail", args=[theirs.pk])).status_code == 404
    assert not ServedCustomer.objects.filter(staff=rep).exists()


def test_it_ends_after_the_tariffs_hours(rep, set_tariff, theirs):
    set_tariff("customer.served_hours", "2")
    customer_search(actor=rep, query="13922223333")
    ServedCustomer.objects.update(served_at=timezone.now() - timedelta(hours=2, minutes=1))
    assert theirs not in customer_list_for_actor(actor=rep)


def test_a_role_spanning_halls_sees_every_customer(make_staff, ours, theirs):
    clerk = make_staff("account_clerk", username="clerk", hall=None)
    assert set(customer_list_for_actor(actor=clerk)) == {ours, theirs}


def test_the_full_identity_number_of_another_halls_customer_only_for_the_one_served(make_staff, theirs):
    manager = make_staff("store_manager", username="sm_a")
    with pytest.raises(NotPermitted) as refused:
        identity_reveal(actor=manager, customer=theirs, field="number", reason="核对身份证原件")
    assert str(refused.value.message) == "外厅客户的完整个人信息仅向按手机号码或证件号码查到该客户的营业员显示。"
    assert not AuditEvent.objects.filter(action="identity.reveal").exists()

    customer_search(actor=manager, query=theirs.identity.number)
    assert identity_reveal(actor=manager, customer=theirs, field="number", reason="核对身份证原件") \
        == theirs.identity.number

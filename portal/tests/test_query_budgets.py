"""Query budgets of the portal pages not covered by test_pages.py (issue 17: a query-count test per page): the
complaints' list, page and form, the chat, call forwarding, and the sign-in and code steps. A budget is the
count measured with a few rows, plus a little room; a page whose queries grow with its rows fails here."""

import pytest
from django.test import Client
from django.urls import reverse

from boss.models import Department
from complaints.models import Complaint
from complaints.tests.factories import ComplaintCategoryFactory, department
from portal.tests.conftest import PASSWORD, codes_aged, sign_in, sms_code


@pytest.fixture
def complaints(mine, rep):
    """Three complaints of the signed-in customer (a page lists them in a fixed number of queries)."""
    from complaints.services.workflow import complaint_open

    department("CS", Department.Kind.CUSTOMER_SERVICE, name="客服中心")
    category = ComplaintCategoryFactory(code="NET-SIGNAL", name="网络信号差")
    return [complaint_open(actor=rep, channel=Complaint.Channel.COUNTER, category=category, description=f"信号差{i}",
                           msisdn=mine.msisdn) for i in range(3)]


@pytest.mark.parametrize("name,budget", [("complaints", 8), ("complaint", 8), ("complaint_new", 9), ("chat", 8)])
def test_complaint_and_chat_pages_query_budget(client, mine, complaints, name, budget,
                                               django_assert_max_num_queries):
    from portal.services.chat import chat_customer_send

    for text in ("流量", "话费"):
        chat_customer_send(customer=mine.customer, line=mine, text=text)
    sign_in(client, mine)
    url = reverse(f"portal:{name}", args=[complaints[0].pk] if name == "complaint" else [])
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_forwarding_page_query_budget(client, mine, django_assert_max_num_queries):
    sign_in(client, mine)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("portal:forwarding", args=[mine.pk])).status_code == 200


def test_sign_in_and_code_steps_query_budget(mine, django_assert_max_num_queries):
    client = Client()
    with django_assert_max_num_queries(2):
        assert client.get(reverse("portal:signin")).status_code == 200
    codes_aged(mine)
    with django_assert_max_num_queries(20):   # 5 of them make the web channel's system account, once
        started = client.post(reverse("portal:signin"), {"msisdn": mine.msisdn, "password": PASSWORD})
    assert started.status_code == 302
    with django_assert_max_num_queries(6):
        assert client.get(reverse("portal:signin_code")).status_code == 200
    code = sms_code(mine.msisdn)
    with django_assert_max_num_queries(24):
        assert client.post(reverse("portal:signin_code"), {"code": code}).status_code == 302
    with django_assert_max_num_queries(9):
        refused = Client().post(reverse("portal:signin"), {"msisdn": "13700000001", "password": PASSWORD})
    assert refused.status_code == 400

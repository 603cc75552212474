"""The customer list over a million customers (issue 20): it pages without counting, newest first from the
index, and a name prefix lists in name order from the name index."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import Customer
from customers.tests.factories import CustomerFactory, IdentityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep_client(rep):
    client = Client()
    client.force_login(rep)
    return client


def _names(response) -> list[str]:
    return [row.record.name for row in response.context["table"].paginated_rows]


def test_the_list_pages_without_counting_and_offers_the_next_page(rep_client):
    customers = [CustomerFactory() for _ in range(52)]
    with CaptureQueriesContext(connection) as queries:
        first = rep_client.get(reverse("customers:list"))
    assert not [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    html = first.content.decode()
    assert len(first.context["table"].page.object_list) == 50
    assert first.context["table"].page.has_next()
    assert 'href="?page=2"' in html and "下一页" in html
    second = rep_client.get(reverse("customers:list"), {"page": 2})
    assert not second.context["table"].page.has_next()
    newest_first = sorted(customers, key=lambda c: (c.created_at, c.pk), reverse=True)
    assert _names(first) + _names(second) == [c.name for c in newest_first]


def test_a_name_prefix_lists_in_name_order(rep_client):
    for name in ("张三丰", "张三", "李四", "张三a", "张二"):
        CustomerFactory(identity=IdentityFactory(name=name))
    response = rep_client.get(reverse("customers:list"), {"name": "张三"})
    assert _names(response) == ["张三", "张三a", "张三丰"]   # code-point order, the index's


def test_the_global_search_by_name_keeps_the_same_order(rep):
    from customers.selectors import customer_search

    for name in ("王五丰", "王五", "王五a"):
        CustomerFactory(identity=IdentityFactory(name=name))
    assert [c.name for c in customer_search(actor=rep, query="王五").customers] == ["王五", "王五a", "王五丰"]


@pytest.mark.postgres
def test_the_list_reads_its_orders_from_indexes_on_postgresql(rep):
    """With the planner told to avoid scans and sorts, both orders come from an index, stopping at a page."""
    from customers.filtersets import CustomerFilterSet
    from customers.selectors import customer_list_for_actor

    CustomerFactory()
    visible = customer_list_for_actor(actor=rep)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        newest = visible.order_by("-created_at", "-pk")[:51].explain()
        by_name = CustomerFilterSet({"name": "张"}, queryset=visible).qs[:51].explain()
    assert "customer_created_idx" in newest
    assert "customer_name_bytes_idx" in by_name and "Index Cond" in by_name
    assert Customer.objects.exists()


@pytest.mark.parametrize("few", [5000, 0], ids=["few customers: by ids", "many: the ORs of EXISTS"])
def test_both_ways_of_reading_a_halls_customers_show_the_same_customers(rep, hall, other_hall, monkeypatch, few):
    from datetime import timedelta

    from django.utils import timezone

    from customers import selectors
    from customers.models import ServedCustomer
    from customers.tests.factories import LineFactory

    monkeypatch.setattr(selectors, "FEW_CUSTOMERS", few)
    ours = CustomerFactory()
    by_line = CustomerFactory(created_hall=other_hall)
    LineFactory(customer=by_line, hall=hall)
    served, served_long_ago, theirs = (CustomerFactory(created_hall=other_hall) for _ in range(3))
    selectors.customer_served_mark(actor=rep, customers=[served, served_long_ago])
    ServedCustomer.objects.filter(customer=served_long_ago).update(served_at=timezone.now() - timedelta(days=30))
    LineFactory(customer=theirs, hall=other_hall)
    listed = selectors.customer_list_for_actor(actor=rep).order_by("-created_at", "-pk")
    assert list(listed) == [served, by_line, ours]
    assert ("EXISTS" in str(listed.query)) == (few == 0)   # a small hall's list reads ids, not ORs of EXISTS
    assert list(selectors.customers_by_name(listed, ours.name[:1])) == sorted(
        [c for c in (ours, by_line, served) if c.name.startswith(ours.name[:1])], key=lambda c: (c.name, c.pk))


def test_only_the_indexed_columns_sort(rep_client):
    """Type and hall are filters, not sorts: a sort by either read every visible customer."""
    CustomerFactory()
    table = rep_client.get(reverse("customers:list")).context["table"]
    assert [c.name for c in table.columns if c.orderable] == ["name", "created_at"]

"""The reports' read replica (reports.routers): switched on, a report's queries go to the `reports` alias (here
the same database under a second alias, a test mirror) and none to `default`; the screen still writes its
audit row on `default`; switched off (the default), a report never touches the alias (every other test
would fail with a query on a database it may not use); the replica is never migrated or written."""

from decimal import Decimal

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from boss.models import AuditEvent
from orders.models import Order
from reports.business import business_report
from reports.routers import ReportsReplicaRouter

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "reports"])


@pytest.fixture
def sales(make_staff, hall):
    from customers.tests.factories import CustomerFactory

    rep = make_staff("sales_rep", username="rep_a")
    o = Order.objects.create(kind=Order.Kind.OPEN_ACCOUNT, hall=hall, actor=rep, customer=CustomerFactory(),
                             amount_due=Decimal("150.00"), msisdn="13800138000")
    Order.objects.filter(pk=o.pk).update(state=Order.State.COMPLETED, paid_at=timezone.now())
    return rep


@override_settings(REPORTS_REPLICA_READS=True)
def test_a_report_reads_from_the_replica_alias_only(make_staff, sales):
    store = make_staff("store_manager", username="store")
    today = timezone.localdate()
    with CaptureQueriesContext(connections["reports"]) as replica, \
            CaptureQueriesContext(connections["default"]) as primary:
        report = business_report(actor=store, date_from=today.replace(day=1), date_to=today)
    assert report.orders_total.count == 1 and report.orders_total.amount == Decimal("150.00")
    assert len(replica.captured_queries) >= 10 and primary.captured_queries == []


@override_settings(REPORTS_REPLICA_READS=True)
def test_the_screen_reads_there_and_audits_on_default(client, make_staff, sales):
    manager = make_staff("manager", username="boss", hall=None)
    client.force_login(manager)
    with CaptureQueriesContext(connections["reports"]) as replica:
        page = client.get(reverse("reports:business"))
    assert page.status_code == 200 and 'data-testid="orders-total">1<' in page.content.decode()
    assert replica.captured_queries and AuditEvent.objects.using("default").filter(action="report.view").exists()


def test_off_by_default_and_the_replica_is_neither_written_nor_migrated(make_staff, sales):
    manager = make_staff("manager", username="boss", hall=None)
    today = timezone.localdate()
    with CaptureQueriesContext(connections["reports"]) as replica:
        business_report(actor=manager, date_from=today, date_to=today)
    assert replica.captured_queries == []
    router = ReportsReplicaRouter()
    assert router.db_for_write(Order) == "default"
    assert router.allow_migrate("reports", "orders") is False and router.allow_migrate("default", "orders") is None


@override_settings(REPORTS_REPLICA_READS=True)
def test_a_prepared_read_in_a_report_goes_where_the_orm_would_read(sales):
    from boss.prepared import Prepared
    from reports.routers import report_reads

    read = Prepared(lambda msisdn: Order.objects.filter(msisdn=msisdn).order_by(), str)
    with CaptureQueriesContext(connections["reports"]) as replica, \
            CaptureQueriesContext(connections["default"]) as primary:
        with report_reads():
            [order] = read("13800138000")
        assert read("13800138000")[0].pk == order.pk
    assert len(replica.captured_queries) == 1 and len(primary.captured_queries) == 1
    assert order._state.db == "reports"


@override_settings(REPORTS_REPLICA_READS=True)
def test_a_row_locked_inside_a_reports_reading_is_locked_on_default(sales):
    """A prepared lock (boss.locks.lock_by_key) goes where the ORM sends a write: a replica cannot lock."""
    from django.db import transaction

    from boss.locks import lock_by_key
    from reports.routers import report_reads

    order = Order.objects.get()
    with report_reads(), transaction.atomic(), CaptureQueriesContext(connections["reports"]) as replica, \
            CaptureQueriesContext(connections["default"]) as primary:
        assert lock_by_key(Order, order.pk).pk == order.pk
    assert replica.captured_queries == [] and len(primary.captured_queries) >= 1

"""Real concurrent requests on PostgreSQL: the per-identity limit, one identity per customer, the reveal
limit. Each thread has its own connection and transaction, as counters at different halls would."""

import pytest

from boss.errors import DomainError
from boss.models import AuditEvent, TariffParameter
from boss.tariffs import tariff_cache_clear
from boss.tests.factories import HallFactory, StaffFactory
from boss.tests.threads import run_concurrently
from customers.errors import IdentityInUseError, IdentityLineLimitError, RevealLimitError
from customers.models import Customer, Line
from customers.services import customer_create, identity_reveal, line_create
from customers.tests.factories import AccountFactory, CustomerFactory, LineFactory, PlanFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_ten_openings_at_different_halls_for_an_identity_holding_four_let_exactly_one_through():
    customer = CustomerFactory()
    for _ in range(4):
        LineFactory(customer=customer)
    account = AccountFactory(customer=customer)
    plan = PlanFactory(code="5G128")
    reps = [StaffFactory(role="sales_rep", username=f"race_rep{i}", hall=HallFactory(code=f"R{i}")) for i in range(10)]

    def open_line(i):
        return line_create(actor=reps[i], customer=customer, account=account, plan=plan,
                           msisdn=f"1391000{i:04d}", hall=reps[i].hall)

    outcomes, errors = run_concurrently(10, open_line)
    assert len(outcomes) == 1
    assert len(errors) == 9 and all(isinstance(e, IdentityLineLimitError) for e in errors), errors
    assert all(e.code == "identity_line_limit" and e.status == 409 for e in errors)
    assert Line.objects.filter(customer=customer).count() == 5
    assert AuditEvent.objects.filter(action="line.create").count() == 1


def test_two_counters_registering_the_same_document_make_one_customer():
    reps = [StaffFactory(role="sales_rep", username=f"reg_rep{i}", hall=HallFactory(code=f"G{i}")) for i in range(6)]

    def register(i):
        return customer_create(actor=reps[i], doc_type="resident_id", number="11010519491231002X", name="张三",
                               address="北京市朝阳区建国路1号", contact_phone=f"1390000{i:04d}")

    outcomes, errors = run_concurrently(6, register)
    assert len(outcomes) == 1
    assert len(errors) == 5 and all(isinstance(e, IdentityInUseError) for e in errors), errors
    assert Customer.objects.count() == 1


def test_parallel_reveals_by_one_user_cannot_pass_the_hourly_limit():
    TariffParameter.objects.update_or_create(key="privacy.reveals_per_hour", defaults={"value": "3"})
    tariff_cache_clear()
    customer = CustomerFactory()
    manager = StaffFactory(role="store_manager", username="race_mgr", hall=customer.created_hall)

    def reveal(i):
        return identity_reveal(actor=manager, customer=customer, field="number", reason="核对证件")

    outcomes, errors = run_concurrently(8, reveal)
    assert len(outcomes) == 3
    assert len(errors) == 5 and all(isinstance(e, RevealLimitError) for e in errors), errors
    assert all(isinstance(e, DomainError) for e in errors)
    assert AuditEvent.objects.filter(action="identity.reveal").count() == 3

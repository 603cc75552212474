"""Fixtures of the counter processes for every app's tests (the root conftest loads them as a plugin): an
opening's world (a hall with SIM stock, a plan on sale, a verified customer, numbers) and a live line."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from catalog.models import Feature
from catalog.tests.factories import FeatureFactory, PlanFactory
from customers.tests.factories import CustomerFactory as VerifiedCustomerFactory
from customers.tests.factories import IdentityFactory, OrganizationFactory
from inventory.models import SimCard
from inventory.services.numbers import number_reserve
from provisioning.adapters import get_adapter


@pytest.fixture
def opening(reference, add_numbers, rep, settings):
    """Everything an opening needs; `opening.reserve(msisdn)` reserves a number for the customer."""
    settings.BOSS_NETWORK_ADAPTER_OPTIONS = {"latency_ms": 0, "failure_rate": 0.0, "lost_reply_rate": 0.0}
    get_adapter.cache_clear()

    class World:
        pass

    w = World()
    w.rep = rep
    w.plan = PlanFactory(code="5G128", name="5G智享128元", monthly_fee="128.00", valid_from=date(2024, 1, 1))
    w.roaming = FeatureFactory(code="INTL_ROAM", name="国际漫游", kind=Feature.Kind.OTHER,
                               deposit_param="roaming.deposit")
    w.sims = [SimCard.objects.create(iccid=f"8986001234567890{i:04d}", imsi=f"4600012345{i:05d}", capacity="usim",
                                     hall=rep.hall) for i in range(3)]
    w.customer = VerifiedCustomerFactory(identity=IdentityFactory(checked_at=timezone.now() - timedelta(minutes=1)))
    w.organization = OrganizationFactory(identity=IdentityFactory(
        doc_type="uscc", number="91350100M000100Y43", name="福州测试有限公司", checked_at=timezone.now()))
    w.numbers = add_numbers("13912345670", "13912358888", "13912345671")

    def reserve(msisdn="13912345670", customer=None, actor=None):
        return number_reserve(actor=actor or rep, msisdn=msisdn, customer=customer or w.customer)

    w.reserve = reserve
    yield w
    get_adapter.cache_clear()


# --- a live line's world: an active line opened through the real process, a customer manager ----------


@pytest.fixture
def live(opening, make_staff):
    """An active line opened through the opening process (its number assigned, its SIM issued, its
    prepayment receipted, cash in the rep's drawer), at a hall designated for cancellation, with a
    customer manager; `live.open_line(msisdn)` opens another one."""
    from orders.services.open_account import order_open_account_create, order_open_account_pay
    from provisioning.services import work_orders_run

    hall = opening.rep.hall
    hall.designated_for_cancellation = True
    hall.save(update_fields=["designated_for_cancellation"])

    def open_line(msisdn="13912345670", customer=None, features=(), tendered=None):
        customer = customer or opening.customer
        opening.reserve(msisdn, customer=customer)
        order = order_open_account_create(actor=opening.rep, customer=customer, msisdn=msisdn, product_code="5G128",
                                          sim_capacity="usim", documents_checked=["id_original", "unit_letter",
                                                                                  "licence"],
                                          service_password="428571", features=list(features))
        order = order_open_account_pay(actor=opening.rep, order=order, method="cash", tendered=tendered,
                                       agreement_signed=True)
        work_orders_run()
        line = order.line
        line.refresh_from_db()
        return line

    opening.open_line = open_line
    opening.line = open_line()
    opening.manager = make_staff("customer_manager", username="cm_a")
    return opening

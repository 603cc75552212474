"""An opening's world: a hall with SIM stock, a plan on sale, a verified customer, a reserved number."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from customers.tests.factories import CustomerFactory, IdentityFactory, OrganizationFactory
from orders.models import Feature, SimCard
from orders.services.numbers import number_reserve
from orders.tests.factories import FeatureFactory, PlanFactory
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
    w.customer = CustomerFactory(identity=IdentityFactory(checked_at=timezone.now() - timedelta(minutes=1)))
    w.organization = OrganizationFactory(identity=IdentityFactory(
        doc_type="uscc", number="91350100M000100Y43", name="福州测试有限公司", checked_at=timezone.now()))
    w.numbers = add_numbers("13912345670", "13912358888", "13912345671")

    def reserve(msisdn="13912345670", customer=None, actor=None):
        return number_reserve(actor=actor or rep, msisdn=msisdn, customer=customer or w.customer)

    w.reserve = reserve
    yield w
    get_adapter.cache_clear()

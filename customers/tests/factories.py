"""Factories of the customers app (factory_boy). Numbers are valid: composed with their check digits."""

from datetime import date
from decimal import Decimal

import factory

from boss.tests.factories import HallFactory, StaffFactory
from catalog.models import Plan
from customers.identity import resident_id_compose, uscc_compose
from customers.models import Account, Customer, CustomerClass, CustomerIdentity, Line


def resident_id(n: int = 1, *, region: str = "440106", born: date = date(1990, 1, 1)) -> str:
    """The n-th valid resident ID of a region and birth date (Guangzhou Tianhe by default)."""
    return resident_id_compose(region, born, n % 1000)


class IdentityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerIdentity

    doc_type = CustomerIdentity.DocType.RESIDENT_ID
    number = factory.Sequence(lambda n: resident_id_compose("440106", date(1980, 1, 1) if n < 999 else
                                                            date(1981, 1, 1 + (n // 999) % 28), n % 999 + 1))
    name = factory.Sequence(lambda n: f"张{n}")
    address = "广东省广州市天河区体育西路1号"
    check_method = CustomerIdentity.CheckMethod.CARD_READER


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    identity = factory.SubFactory(IdentityFactory)
    kind = Customer.Kind.INDIVIDUAL
    name = factory.LazyAttribute(lambda o: o.identity.name)
    contact_phone = factory.Sequence(lambda n: f"139{n:08d}")
    contact_address = "广州市天河区天河路2号"
    # Registered at the tests' home hall (conftest `hall`): its reps browse them (issue 12 item 9).
    created_hall = factory.SubFactory(HallFactory, code="HA", name="甲营业厅")


class OrganizationFactory(CustomerFactory):
    identity = factory.SubFactory(
        IdentityFactory, doc_type=CustomerIdentity.DocType.USCC,
        number=factory.Sequence(lambda n: uscc_compose("91", "440101", f"{n:08d}")),
        name=factory.Sequence(lambda n: f"广州测试科技有限公司{n}"))
    kind = Customer.Kind.ORGANIZATION


class CustomerClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerClass

    customer = factory.SubFactory(CustomerFactory)
    kind = CustomerClass.Kind.VIP
    vip_level = factory.LazyAttribute(lambda o: 3 if o.kind == CustomerClass.Kind.VIP else None)
    reason = "测试"
    since = date(2020, 1, 1)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"P{n:03d}")
    name = factory.Sequence(lambda n: f"测试套餐{n}")
    monthly_fee = Decimal("58.00")
    valid_from = date(2020, 1, 1)


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    customer = factory.SubFactory(CustomerFactory)


class LineFactory(factory.django.DjangoModelFactory):
    """A line in a given state (the FSM field is protected, so the state is written at insert)."""

    class Meta:
        model = Line

    msisdn = factory.Sequence(lambda n: f"138{n:08d}")
    customer = factory.SubFactory(CustomerFactory)
    account = factory.LazyAttribute(lambda o: AccountFactory(customer=o.customer))
    plan = factory.SubFactory(PlanFactory)
    hall = factory.SubFactory(HallFactory)
    status = Line.Status.ACTIVE


__all__ = ["StaffFactory", "HallFactory"]

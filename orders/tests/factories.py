"""Factories of the orders tests. Customers are made here minimally (the customers app owns their
validation); numbers enter the pool through the import service, graded like real ones."""

from datetime import date
from decimal import Decimal

import factory

from customers.models import CustomerClass
from customers.tests.factories import CustomerFactory, IdentityFactory  # noqa: F401  (one set of customer factories)
from orders.models import Discount, Feature, HandsetModel, Offer, Plan


def classify(customer, kind: str, *, level=None, since=date(2020, 1, 1), until=None):
    return CustomerClass.objects.create(customer=customer, kind=kind, vip_level=level, reason="测试", since=since,
                                        until=until)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"P{n:03d}")
    name = factory.Sequence(lambda n: f"套餐{n}")
    monthly_fee = Decimal("128.00")
    network = "5g"
    valid_from = date(2024, 1, 1)


class FeatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feature
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"F{n:03d}")
    name = factory.Sequence(lambda n: f"功能{n}")
    kind = Feature.Kind.OTHER
    valid_from = date(2024, 1, 1)


class DiscountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Discount

    code = factory.Sequence(lambda n: f"DSC{n:03d}")
    name = factory.Sequence(lambda n: f"优惠{n}")
    target = Discount.Target.MONTHLY_FEE
    percent_off = Decimal("20")
    valid_from = date(2024, 1, 1)


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    code = factory.Sequence(lambda n: f"OF{n:03d}")
    name = factory.Sequence(lambda n: f"推荐{n}")
    product = factory.SubFactory(PlanFactory)
    valid_from = date(2024, 1, 1)


class HandsetModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandsetModel
        django_get_or_create = ("code",)

    code = "MI-14"
    brand = "小米"
    name = "14"
    price = Decimal("3999.00")

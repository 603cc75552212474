"""Factories of the catalog for every app's tests."""

from datetime import date
from decimal import Decimal

import factory

from catalog.models import Discount, Feature, Offer, Plan


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

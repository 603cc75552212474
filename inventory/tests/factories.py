"""Factories of the inventory for every app's tests (numbers enter the pool through the import service:
see inventory/tests/fixtures.py)."""

from decimal import Decimal

import factory

from inventory.models import HandsetModel


class HandsetModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandsetModel
        django_get_or_create = ("code",)

    code = "MI-14"
    brand = "小米"
    name = "14"
    price = Decimal("3999.00")

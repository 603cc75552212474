"""Factories for the complaint tests: complaint categories, knowledge-base categories, departments; the
customer, account and line factories are the customers app's."""

from datetime import timedelta

import factory
from django.utils import timezone

from boss.models import Department
from boss.tests.factories import DepartmentFactory, HallFactory  # noqa: F401  (re-exported for the tests)
from complaints.models import ArticleCategory, ComplaintCategory
from customers.models import CustomerClass

# The customers app owns its factories (valid ID numbers); complaints reuse them.
from customers.tests.factories import (  # noqa: F401
    AccountFactory,
    CustomerFactory,
    IdentityFactory,
    LineFactory,
    PlanFactory,
)


def make_vip(customer, *, level=1, until=None, since=None):
    return CustomerClass.objects.create(customer=customer, kind=CustomerClass.Kind.VIP, vip_level=level,
                                        reason="大客户", since=since or timezone.localdate() - timedelta(days=30),
                                        until=until)


class ComplaintCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComplaintCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"CAT{n:03d}")
    name = factory.Sequence(lambda n: f"投诉类别{n}")


class ArticleCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticleCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"KB{n:03d}")
    name = factory.Sequence(lambda n: f"知识分类{n}")


def department(code, kind=Department.Kind.COMPLAINT, parent=None, name=None):
    return DepartmentFactory(code=code, kind=kind, parent=parent, name=name or code)

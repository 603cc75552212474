"""Factories for the complaint tests. The customers/billing/orders shapes used here are the core ones
on main; those apps' own factories arrive with their issues."""

from datetime import date, timedelta

import factory
from django.utils import timezone

from billing.models import Account
from boss.models import Department
from boss.tests.factories import DepartmentFactory, HallFactory
from complaints.models import ArticleCategory, ComplaintCategory
from customers.models import Customer, CustomerClass, CustomerIdentity, Line
from orders.models import Plan


class IdentityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerIdentity

    doc_type = CustomerIdentity.DocType.RESIDENT_ID
    number = factory.Sequence(lambda n: f"11010519800101{n:04d}")
    name = "张三丰"
    address = "广东省广州市天河区体育西路1号"


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    kind = Customer.Kind.INDIVIDUAL
    name = factory.SelfAttribute("identity.name")
    identity = factory.SubFactory(IdentityFactory)
    contact_phone = "13900000000"


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    customer = factory.SubFactory(CustomerFactory)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        django_get_or_create = ("code",)

    code = "GOTONE-58"
    name = "全球通58元套餐"
    monthly_fee = "58.00"
    valid_from = date(2024, 1, 1)


class LineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Line

    msisdn = factory.Sequence(lambda n: f"1380013{n:04d}")
    customer = factory.SubFactory(CustomerFactory)
    account = factory.SubFactory(AccountFactory, customer=factory.SelfAttribute("..customer"))
    plan = factory.SubFactory(PlanFactory)
    hall = factory.SubFactory(HallFactory)
    status = Line.Status.ACTIVE


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

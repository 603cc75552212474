import factory
from django.contrib.auth.models import Group

from boss.models import Department, Hall, Staff

TEST_PASSWORD = "Correct-Horse-Battery-9"


class HallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hall
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"H{n:03d}")
    name = factory.Sequence(lambda n: f"测试营业厅{n}")
    kind = Hall.Kind.SELF_OPERATED


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"部门{n}")
    kind = Department.Kind.COMPLAINT


class StaffFactory(factory.django.DjangoModelFactory):
    """A staff user; `role="sales_rep"` puts them in that role's group (the groups come from migrate)."""

    class Meta:
        model = Staff
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    last_name = "张"
    first_name = factory.Sequence(lambda n: f"员工{n}")
    hall = factory.SubFactory(HallFactory)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            roles = [extracted] if isinstance(extracted, str) else extracted
            self.groups.add(*Group.objects.filter(name__in=roles))
        self.save()

import pytest
from django.contrib.auth.models import Permission

from customers.tests.factories import CustomerFactory, LineFactory, OrganizationFactory
from groups.memberlist import MemberRow
from groups.models import GroupCustomer


def designate(staff):
    """Give a staff user the designated VPMN counter (a per-user permission) and return them fresh."""
    staff.user_permissions.add(Permission.objects.get(codename="vpmn_counter", content_type__app_label="groups"))
    return type(staff).objects.get(pk=staff.pk)


@pytest.fixture
def counter_rep(make_staff):
    return designate(make_staff("sales_rep"))


@pytest.fixture
def store_manager(make_staff):
    return make_staff("store_manager")


@pytest.fixture
def room(make_staff):
    return make_staff("big_customer_room", hall=None)


@pytest.fixture
def group(hall, counter_rep):
    org = OrganizationFactory()
    return GroupCustomer.objects.create(customer=org, key_contact_name="李四", key_contact_phone="13900001111",
                                        hall=hall)


@pytest.fixture
def own_lines(group, hall):
    return [LineFactory(customer=group.customer, hall=hall, msisdn=f"1380000{i:04d}") for i in range(3)]


@pytest.fixture
def private_line(hall):
    return LineFactory(customer=CustomerFactory(), hall=hall, msisdn="13900009999")


def rows(*numbers, consent=()):
    return [MemberRow(row=i, msisdn=n, owner_consent=n in consent) for i, n in enumerate(numbers, start=1)]


def writes_besides_failed_logins() -> dict:
    """Every row a VPMN or group SMS step could write, counted, and the audit trail without its failed-login
    records; with the failed logins (the audit's and the lockout's) apart, for a wrong manager's password."""
    from axes.models import AccessAttempt

    from boss.models import AuditEvent
    from customers.models import LineDiscount
    from groups.models import GroupCustomer, GroupSmsApplication, VpmnApplication, VpmnCandidate, VpmnMember
    from notifications.models import SmsMessage
    from provisioning.models import WorkOrder

    return {
        "applications": list(VpmnApplication.objects.order_by("pk").values_list("pk", "state", "signed_by_id",
                                                                                 "signed_at")),
        "candidates": list(VpmnCandidate.objects.order_by("pk").values_list("pk", "callout", "called_at")),
        "members": VpmnMember.objects.count(), "discounts": LineDiscount.objects.count(),
        "work_orders": WorkOrder.objects.count(), "sms": SmsMessage.objects.count(),
        "groups": list(GroupCustomer.objects.order_by("pk").values_list("pk", "group_number")),
        "sms_applications": GroupSmsApplication.objects.count(),
        "audit": AuditEvent.objects.exclude(action="auth.login_failed").count(),
        "failed_logins": AuditEvent.objects.filter(action="auth.login_failed").count(),
        "lockout_attempts": sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)),
    }

"""Fixtures of the complaint tests: the departments of the branch complaint flowchart, one user per
part of it, categories, and a helper that walks a complaint to a given state through the services."""

import pytest
from django.contrib.auth.models import Permission

from boss.models import Department
from complaints.models import Complaint
from complaints.services import (
    complaint_accept,
    complaint_callback,
    complaint_dispatch,
    complaint_open,
    complaint_reply,
)
from complaints.tests.factories import ComplaintCategoryFactory, LineFactory, department


@pytest.fixture
def cs(db):
    return department("CS", Department.Kind.CUSTOMER_SERVICE, name="分公司客服中心")


@pytest.fixture
def net(db):
    return department("NET", name="网络部")


@pytest.fixture
def bill(db):
    return department("BILL", name="计费部")


@pytest.fixture
def net_th(net):
    return department("NET-TH", Department.Kind.DISTRICT, parent=net, name="天河区网管中心")


def grant(user, codename):
    user.user_permissions.add(Permission.objects.get(codename=codename, content_type__app_label="complaints"))
    # has_perm caches per instance: drop the caches so the new permission is seen.
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)
    return user


@pytest.fixture
def reviewer(make_staff, cs):
    return make_staff("complaint_reviewer", username="reviewer", hall=None, department=cs)


@pytest.fixture
def handler(make_staff, net):
    return make_staff("department_handler", username="handler_net", hall=None, department=net)


@pytest.fixture
def handler_bill(make_staff, bill):
    return make_staff("department_handler", username="handler_bill", hall=None, department=bill)


@pytest.fixture
def handler_th(make_staff, net_th):
    return make_staff("department_handler", username="handler_th", hall=None, department=net_th)


@pytest.fixture
def head_net(make_staff, net):
    return grant(make_staff("department_handler", username="head_net", hall=None, department=net), "lead_department")


@pytest.fixture
def manager(make_staff):
    return make_staff("manager", username="manager", hall=None)


@pytest.fixture
def category(net):
    return ComplaintCategoryFactory(code="NET-SIGNAL", name="网络信号差", default_department=net)


@pytest.fixture
def billing_category(bill):
    return ComplaintCategoryFactory(code="BILL-DISPUTE", name="话费争议", default_department=bill,
                                    billing_dispute=True)


@pytest.fixture
def refund_category(bill):
    return ComplaintCategoryFactory(code="BANK-OVER", name="银行托收多扣款", default_department=bill,
                                    billing_dispute=True, starts_refund=True)


@pytest.fixture
def line(hall):
    return LineFactory(hall=hall, msisdn="13800138000")


@pytest.fixture
def file_complaint(rep, category, cs):
    """file_complaint(**overrides) files a complaint at the counter through the service."""

    def file(**kwargs):
        kwargs.setdefault("actor", rep)
        kwargs.setdefault("channel", Complaint.Channel.COUNTER)
        kwargs.setdefault("category", category)
        kwargs.setdefault("description", "家里信号很差，经常打不通电话。")
        kwargs.setdefault("contact_phone", "13912345678")
        return complaint_open(**kwargs)

    return file


@pytest.fixture
def walk(file_complaint, reviewer, handler, net):
    """walk(to=status, complaint=None) takes a complaint through the flow up to that status."""

    def go(to: str, complaint: Complaint | None = None, **open_kwargs) -> Complaint:
        complaint = complaint or file_complaint(**open_kwargs)
        order = [Complaint.Status.TO_REVIEW, Complaint.Status.DISPATCHED, Complaint.Status.REPLIED,
                 Complaint.Status.ANSWERED, Complaint.Status.CLOSED]
        steps = {
            Complaint.Status.TO_REVIEW: lambda c: complaint_dispatch(actor=reviewer, complaint=c, department=net),
            Complaint.Status.DISPATCHED: lambda c: complaint_reply(actor=handler, complaint=c,
                                                                   reply="已优化基站参数。"),
            Complaint.Status.REPLIED: lambda c: complaint_accept(actor=reviewer, complaint=c,
                                                                 answer="已处理，信号恢复。"),
            Complaint.Status.ANSWERED: lambda c: complaint_callback(actor=reviewer, complaint=c,
                                                                    satisfaction=Complaint.Satisfaction.SATISFIED),
        }
        while complaint.status != to:
            if complaint.status not in steps or order.index(complaint.status) >= order.index(to):
                raise AssertionError(f"cannot walk from {complaint.status} to {to}")
            complaint = steps[complaint.status](complaint)
        return complaint

    return go

"""Suspending a confirmed malicious line from the tracing worklist (issue 19): through orders' line_suspend,
with its order and work order; the network's completion suspends the line; refused with a clear reason and
nothing written for a case not confirmed, a second time, a line no longer active and a reviewer without a
hall."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from boss.models import AuditEvent
from customers.models import Line
from orders.errors import LineStateError
from orders.models import Order
from partners.errors import SuspectNotConfirmedError
from partners.models import Suspect
from partners.services.tracing import suspect_line_suspend
from provisioning.models import WorkOrder
from provisioning.services import work_orders_run

pytestmark = pytest.mark.django_db
DAY = date(2026, 10, 14)


@pytest.fixture
def reviewer(make_staff, live):
    return make_staff("manager", username="tracing_mgr2", hall=live.rep.hall)


def _suspect(line, *, rule="sms_bulk", status="confirmed", reviewer=None):
    return Suspect.objects.create(day=DAY, msisdn=line.msisdn, line=line, hall=line.hall, rule=rule,
                                  evidence={"hours": 2, "sms": 400, "peak_sms": 250, "peak_recipients": 200,
                                            "peak_hour": "20:00", "threshold": 200, "threshold_recipients": 100},
                                  status=status, reviewed_by=reviewer,
                                  reviewed_at=timezone.now() if reviewer else None)


def _nothing_written(line, suspect):
    assert not Order.objects.filter(line=line, kind="suspend").exists()
    assert not WorkOrder.objects.filter(line=line, action="suspend").exists()
    assert Suspect.objects.get(pk=suspect.pk).suspension_order_id is None
    assert not AuditEvent.objects.filter(action__in=["tracing.suspend", "line.suspend.request"]).exists()


def test_a_confirmed_line_is_suspended_through_its_work_order_and_audited(live, reviewer):
    suspect = _suspect(live.line, reviewer=reviewer)
    suspect = suspect_line_suspend(actor=reviewer, suspect=suspect, note="群发广告短信，已核实")
    order = suspect.suspension_order
    assert order.kind == "suspend" and order.state == "provisioning" and order.documents_checked == []
    assert order.details["operator_reason"].startswith("群发短信 2026-10-14")
    work_order = WorkOrder.objects.get(reference=order.reference)
    assert (work_order.action, work_order.payload) == ("suspend", {"reason": "operator"})
    assert Line.objects.get(pk=live.line.pk).status == "active"   # until the network confirms
    work_orders_run()
    assert Line.objects.get(pk=live.line.pk).status == "suspended_request"
    event = AuditEvent.objects.get(action="tracing.suspend")
    assert event.actor == reviewer and live.line.msisdn not in str(event.after) + event.target_repr


def test_a_case_not_confirmed_is_refused_and_nothing_written(live, reviewer):
    suspect = _suspect(live.line, status="pending")
    with pytest.raises(SuspectNotConfirmedError) as exc:
        suspect_line_suspend(actor=reviewer, suspect=suspect, note="x")
    assert str(exc.value.message) == "只有已确认、且尚未因此停机的案件才能停机。"
    _nothing_written(live.line, suspect)


def test_the_same_case_twice_is_refused(live, reviewer):
    suspect = suspect_line_suspend(actor=reviewer, suspect=_suspect(live.line, reviewer=reviewer), note="x")
    with pytest.raises(SuspectNotConfirmedError):
        suspect_line_suspend(actor=reviewer, suspect=suspect, note="x")
    assert Order.objects.filter(line=live.line, kind="suspend").count() == 1


def test_a_line_no_longer_active_is_refused_by_the_line_rules(live, reviewer):
    first = suspect_line_suspend(actor=reviewer, suspect=_suspect(live.line, reviewer=reviewer), note="x")
    work_orders_run()
    second = _suspect(live.line, rule="one_ring", reviewer=reviewer)
    with pytest.raises(LineStateError) as exc:
        suspect_line_suspend(actor=reviewer, suspect=second, note="x")
    assert "复机" in str(exc.value.message)
    assert Suspect.objects.get(pk=second.pk).suspension_order_id is None
    assert Order.objects.filter(line=live.line, kind="suspend").count() == 1 and first.suspension_order_id


def test_a_reviewer_without_a_hall_suspends_through_the_lines_hall(live, make_staff):
    """The marketing manager has no hall: the order is booked at the line's hall by the tracing's system
    actor (as the partner channel's discount), names the reviewer, and the audit event is the reviewer's."""
    reviewer = make_staff("manager", username="tracing_mgr3", hall=None)
    suspect = suspect_line_suspend(actor=reviewer, suspect=_suspect(live.line, reviewer=reviewer), note="已核实")
    order = suspect.suspension_order
    assert order.kind == "suspend" and order.hall == live.line.hall
    operator = type(reviewer).objects.get(pk=Order.objects.get(pk=order.pk).actor_id)
    assert operator.username == "malicious-user-tracing" and operator.is_system
    assert not operator.has_usable_password() and operator.hall_id is None   # placed at the hall, never saved
    assert order.details["operator_reason"].endswith("已核实 (tracing_mgr3)")
    event = AuditEvent.objects.get(action="tracing.suspend")
    assert event.actor == reviewer and event.hall_id == live.line.hall_id
    work_orders_run()
    assert Line.objects.get(pk=live.line.pk).status == "suspended_request"


def test_the_review_page_suspends_the_line(live, reviewer, client, django_assert_max_num_queries):
    suspect = _suspect(live.line, reviewer=reviewer)
    client.force_login(reviewer)
    url = reverse("partners:suspect_review", args=[suspect.pk])
    with django_assert_max_num_queries(25):
        page = client.get(url).content.decode()
    assert 'data-testid="suspend-form"' in page
    refused = client.post(reverse("partners:suspect_suspend", args=[suspect.pk]), {"note": ""})
    assert refused.status_code == 400 and "该字段是必填项" in refused.content.decode()
    _nothing_written(live.line, suspect)
    done = client.post(reverse("partners:suspect_suspend", args=[suspect.pk]), {"note": "群发广告"})
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="suspension-order"' in page and 'data-testid="suspend-form"' not in page

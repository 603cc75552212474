"""VPMN on the bill (processes.md 7): the per-number discount the rep opens is on the member line's bill of the
month (billing's bill run), still on the bill of the month the member leaves, and gone from the next month's."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from billing.models import Bill
from billing.services.bill_run import bill_run_execute, bill_run_start
from boss.months import month_start
from boss.permissions import system_actor
from customers.models import Account, LineDiscount
from customers.tests.factories import LineFactory
from groups.models import VpmnMember
from groups.services import (
    vpmn_application_create,
    vpmn_application_sign,
    vpmn_callout_record,
    vpmn_discounts_open,
    vpmn_documents_required,
    vpmn_group_issue,
    vpmn_member_remove,
)
from groups.tests.conftest import rows
from groups.tests.test_vpmn_race import _vpmn_discount_in_the_catalogue

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def _bill(line, year, month):
    with time_machine.travel(datetime(year, month + 1 if month < 12 else 1, 2, 9, tzinfo=SH), tick=False):
        period = month_start(datetime(year, month, 1).date())
        bill_run_execute(actor=system_actor(), run=bill_run_start(actor=system_actor(), period=period))
    bill = Bill.objects.get(line=line, period=period)
    return bill, [(i.fee_type, i.name, i.days, i.amount) for i in bill.items.order_by("pk")]


def _charges(items):
    return sum(amount for fee_type, _name, _days, amount in items if fee_type != "late_fee")


def test_the_vpmn_discount_is_on_the_bill_and_gone_the_month_after_the_member_leaves(
        counter_rep, store_manager, room, group, hall):
    _vpmn_discount_in_the_catalogue()
    line = LineFactory(customer=group.customer, hall=hall, msisdn="13800001234",
                       activated_at=datetime(2024, 1, 1, tzinfo=SH))
    Account.objects.filter(pk=line.account_id).update(realtime_prepaid=False)
    other = LineFactory(customer=group.customer, hall=hall, msisdn="13800005678",
                        activated_at=datetime(2024, 1, 1, tzinfo=SH))
    Account.objects.filter(pk=other.account_id).update(realtime_prepaid=False)
    fee = line.plan.monthly_fee
    with time_machine.travel(datetime(2025, 3, 1, 10, tzinfo=SH), tick=False):
        app = vpmn_application_create(actor=counter_rep, group=group, rows=rows(line.msisdn),
                                      documents_checked=vpmn_documents_required(agent=False))
        vpmn_callout_record(actor=counter_rep, application=app, msisdn=line.msisdn, result="confirmed")
        vpmn_application_sign(actor=counter_rep, application=app, approver=store_manager)
        vpmn_group_issue(actor=room, application=app)
        vpmn_discounts_open(actor=counter_rep, application=app)
    off = -(fee * Decimal("0.20")).quantize(Decimal("0.01"))

    march, items = _bill(line, 2025, 3)
    assert ("discount", "集团V网成员优惠", 31, off) in items
    assert march.total == fee + off
    # Not a member: no VPMN discount on the other line's bill.
    assert not [i for i in _bill(other, 2025, 3)[1] if i[0] == "discount"]

    with time_machine.travel(datetime(2025, 4, 10, 15, tzinfo=SH), tick=False):
        vpmn_member_remove(actor=counter_rep, member=VpmnMember.objects.get(line=line), reason="客户要求")
    assert LineDiscount.objects.get(line=line, discount__code="VPMN_GROUP").until.isoformat() == "2025-04-30"

    # (March's bill is unpaid: later bills carry a late fee, left out of the sums below.)
    _april, items = _bill(line, 2025, 4)       # the month the member leaves: the discount to its end
    assert ("discount", "集团V网成员优惠", 30, off) in items and _charges(items) == fee + off
    _may, items = _bill(line, 2025, 5)         # the next month: gone
    assert not [i for i in items if i[0] == "discount"] and _charges(items) == fee

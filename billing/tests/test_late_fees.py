"""Late fees (滞纳金): the bill of February is due on 20 March; each day of March after that whose end finds
the account owing accrues the rate on what it still owes of that bill; charged once on the March bill of the
account's first line; capped; waived for the redlist; never for real-time prepaid accounts."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from billing.models import Bill
from billing.selectors import ledger_check_balanced
from billing.services.bill_run import bill_run_execute, bill_run_start
from billing.services.ledger import credit, debit, ledger_account_customer, ledger_account_suspense, transaction_post
from boss.models import TariffParameter
from boss.tariffs import tariff_cache_clear

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
D = Decimal
FEB, MARCH = date(2025, 2, 1), date(2025, 3, 1)


@pytest.fixture
def postpaid(make_line, make_account, plan):
    def make(msisdn, account=None):
        ln = make_line(msisdn, account=account or make_account(realtime_prepaid=False),
                       activated_at=datetime(2024, 1, 1, tzinfo=SH))
        ln.plan = plan
        ln.save(update_fields=["plan"])
        return ln
    return make


def bill_month(system, period, on):
    with time_machine.travel(on, tick=False):
        bill_run_execute(actor=system, run=bill_run_start(actor=system, period=period))


def pay(system, account, amount, on):
    with time_machine.travel(on, tick=False):
        transaction_post(actor=system, kind="payment", postings=[
            debit(ledger_account_suspense(), D(amount)), credit(ledger_account_customer(account=account), D(amount))])


def late_items(line):
    bill = Bill.objects.get(line=line, period=MARCH)
    return [(i.name, i.days, i.amount) for i in bill.items.filter(fee_type="late_fee")]


def at(day, hour=10):
    return datetime(2025, 3, day, hour, tzinfo=SH)


APRIL_2 = datetime(2025, 4, 2, 2, tzinfo=SH)


@pytest.mark.parametrize("payments, expected", [
    ([], [("58.00", 11, D("1.91"))]),                       # never paid: 21-31 March, 58 × 0.3% × 11 = 1.914
    ([("58.00", 25)], [("58.00", 4, D("0.70"))]),           # paid on the 25th: 21-24 March = 0.696
    ([("58.00", 20)], []),                                  # paid on the due day: nothing
    ([("58.00", 21)], []),                                  # paid on the first late day, before its end
    ([("30.00", 21)], [("58.00", 11, D("0.92"))]),          # paid in part: 28 × 0.3% × 11 = 0.924
])
def test_late_fees_accrue_per_day_on_what_is_still_owed(system, postpaid, payments, expected):
    line = postpaid("13800138000")
    bill_month(system, FEB, datetime(2025, 3, 2, 2, tzinfo=SH))
    assert Bill.objects.get(line=line, period=FEB).total == D("58.00")
    for amount, day in payments:
        pay(system, line.account, amount, at(day))
    bill_month(system, MARCH, APRIL_2)
    assert late_items(line) == expected
    assert ledger_check_balanced() == []


def test_late_fees_are_capped_by_the_tariff(system, postpaid):
    TariffParameter.objects.update_or_create(key="billing.late_fee_cap_ratio", defaults={"value": "0.01"})
    tariff_cache_clear()
    line = postpaid("13800138000")
    bill_month(system, FEB, datetime(2025, 3, 2, 2, tzinfo=SH))
    bill_month(system, MARCH, APRIL_2)
    assert late_items(line) == [("58.00", 11, D("0.58"))]


def test_a_redlisted_customer_pays_no_late_fee(system, postpaid):
    from customers.models import CustomerClass

    line = postpaid("13800138000")
    CustomerClass.objects.create(customer=line.customer, kind="redlist", reason="重要客户", since=date(2024, 1, 1))
    bill_month(system, FEB, datetime(2025, 3, 2, 2, tzinfo=SH))
    bill_month(system, MARCH, APRIL_2)
    assert late_items(line) == []


def test_an_account_with_two_lines_pays_once_on_its_first_line(system, postpaid):
    first = postpaid("13800138000")
    second = postpaid("13800138001", account=first.account)
    bill_month(system, FEB, datetime(2025, 3, 2, 2, tzinfo=SH))
    bill_month(system, MARCH, APRIL_2)
    assert late_items(first) == [("116.00", 11, D("3.83"))]      # 116 × 0.3% × 11 = 3.828
    assert late_items(second) == []


def test_a_real_time_prepaid_account_is_never_charged_a_late_fee(system, make_line, make_account, plan):
    line = make_line("13800138000", account=make_account(realtime_prepaid=True),
                     activated_at=datetime(2024, 1, 1, tzinfo=SH))
    bill_month(system, FEB, datetime(2025, 3, 2, 2, tzinfo=SH))
    bill_month(system, MARCH, APRIL_2)
    assert late_items(line) == []


def test_the_late_fee_is_labelled_in_chinese_on_the_bill(system, postpaid):
    from django.utils import translation

    from billing.templatetags.billing_tags import item_label

    line = postpaid("13800138000")
    bill_month(system, FEB, datetime(2025, 3, 2, 2, tzinfo=SH))
    bill_month(system, MARCH, APRIL_2)
    item = Bill.objects.get(line=line, period=MARCH).items.get(fee_type="late_fee")
    with translation.override("zh-hans"):
        assert "滞纳金" in item_label(item) and "58.00" in item_label(item)


def test_the_month_billed_again_charges_the_late_fee_once(system, postpaid):
    from billing.models import LedgerTransaction

    line = postpaid("13800138000")
    bill_month(system, FEB, datetime(2025, 3, 2, 2, tzinfo=SH))
    bill_month(system, MARCH, APRIL_2)
    pay(system, line.account, "58.00", datetime(2025, 4, 3, 10, tzinfo=SH))   # paid after the month: no change
    postings = LedgerTransaction.objects.count()
    bill_month(system, MARCH, datetime(2025, 4, 4, 2, tzinfo=SH))             # a second pass of the run
    assert late_items(line) == [("58.00", 11, D("1.91"))]
    assert LedgerTransaction.objects.count() == postings


def test_the_late_fees_of_some_accounts_leave_out_their_neighbours(system, postpaid):
    """Accounts read as a range when dense (ids_q): an overdue account between two that are asked for is not
    in the answer."""
    from billing.services.late_fees import late_fees_for

    first, middle, last = (postpaid(f"1380013800{i}") for i in range(3))
    bill_month(system, FEB, datetime(2025, 3, 2, 2, tzinfo=SH))
    with time_machine.travel(APRIL_2, tick=False):
        every = late_fees_for(account_ids={ln.account_id for ln in (first, middle, last)}, period=MARCH)
        some = late_fees_for(account_ids={first.account_id, last.account_id}, period=MARCH)
    assert set(every) == {first.pk, middle.pk, last.pk}
    assert set(some) == {first.pk, last.pk} and some[first.pk] == every[first.pk]

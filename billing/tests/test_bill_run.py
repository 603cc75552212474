"""The monthly bill run: bill totals (fee, features, discounts, usage, proration), one balanced ledger
transaction per bill, idempotent and resumable runs, failures reported, prepaid lines never charged
twice, huge-bill flags, settlement with points, and a query count independent of the number of lines."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from billing.errors import BillRunTooEarlyError
from billing.models import (
    Bill,
    BillRun,
    BillRunChunk,
    BillSettlement,
    LedgerTransaction,
    PointsLot,
    PrepaidCharge,
)
from billing.selectors import account_balance, account_money, ledger_check_balanced
from billing.services import bill_run as bill_run_module
from billing.services.bill_run import bill_run_execute, bill_run_report, bill_run_start
from billing.services.charges import LineInfo, line_month_items, line_months_load
from billing.services.ledger import ledger_account_revenue
from billing.services.points import bills_settle
from billing.services.prepaid import prepaid_charges_sync
from billing.services.rating import usage_rate
from boss.models import AuditEvent
from boss.months import month_add, month_end, month_start

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
D = Decimal
MARCH = date(2025, 3, 1)


def at(day, hour=10):
    return datetime(2025, 3, day, hour, tzinfo=SH)


@pytest.fixture
def postpaid(make_line, make_account, plan):
    """postpaid(msisdn, **line_fields) → an active line on the allowance plan, paying monthly (not prepaid)."""
    def make(msisdn, **fields):
        fields.setdefault("activated_at", datetime(2024, 1, 1, tzinfo=SH))
        ln = make_line(msisdn, account=make_account(realtime_prepaid=False), **fields)
        ln.plan = plan
        ln.save(update_fields=["plan"])
        return ln
    return make


def run_month(actor, period=MARCH):
    run = bill_run_start(actor=actor, period=period)
    return bill_run_execute(actor=actor, run=run)


def items_of(bill):
    return [(i.fee_type, i.name, i.days, i.amount) for i in bill.items.order_by("pk")]


def test_a_bill_adds_monthly_fee_prorated_feature_discount_and_usage_and_posts_once(system, postpaid, usage):
    from catalog.models import Discount, Feature
    from customers.models import LineDiscount, LineFeature

    line = postpaid("13800138000")
    clip = Feature.objects.create(code="CLIP-T", name="来电显示", kind="caller_id", monthly_fee="5.00",
                                  valid_from=date(2020, 1, 1))
    LineFeature.objects.create(line=line, feature=clip, since=date(2025, 3, 17))          # 15 of 31 days
    promo = Discount.objects.create(code="P20", name="月费8折", business="open_account", target="monthly_fee",
                                    percent_off="20", valid_from=date(2020, 1, 1))
    LineDiscount.objects.create(line=line, discount=promo, since=date(2024, 1, 1), until=date(2025, 12, 31))
    usage(line, at(2), seconds=110 * 60)                     # 10 minutes beyond → 1.90
    usage(line, at(3), seconds=60, long_distance=True)       # 4.60
    usage(line, at(4), kind="data", kb=2048, roaming=True)   # 0.58

    run = run_month(system)
    bill = Bill.objects.get(line=line, period=MARCH)
    assert items_of(bill) == [
        ("monthly", "计费测试套餐58", 31, D("58.00")),
        ("feature", "来电显示", 15, D("2.42")),
        ("discount", "月费8折", 31, D("-11.60")),
        ("voice", "", None, D("1.90")),
        ("roaming", "", None, D("0.58")),
        ("long_distance", "", None, D("4.60")),
    ]
    assert bill.total == D("55.90") and bill.charged_in_advance == D("0.00") and run.status == "done"
    tx = bill.ledger_transaction
    assert tx.kind == "bill" and tx.entries.count() == 7
    assert account_money(line.account).balance == D("-55.90")
    assert account_balance(ledger_account_revenue(fee_type="monthly")) == D("58.00")
    assert account_balance(ledger_account_revenue(fee_type="discount")) == D("-11.60")
    assert ledger_check_balanced() == []
    report = bill_run_report(run)
    assert (report.bills, report.total, report.errors) == (1, D("55.90"), [])
    assert AuditEvent.objects.filter(action="bill_run.finish").count() == 1


def test_partial_months_are_prorated_by_live_days(system, postpaid):
    opened = postpaid("13800138001", activated_at=datetime(2025, 3, 17, 9, tzinfo=SH))
    closed = postpaid("13800138002", cancelled_at=datetime(2025, 3, 11, 9, tzinfo=SH))     # live 1-10
    first_day = postpaid("13800138003", cancelled_at=datetime(2025, 3, 1, 9, tzinfo=SH))   # live no day
    run_month(system)
    assert Bill.objects.get(line=opened).total == D("28.06")    # 58 × 15/31
    assert Bill.objects.get(line=closed).total == D("18.71")    # 58 × 10/31
    assert not Bill.objects.filter(line=first_day).exists()


def test_standing_catalog_discounts_apply_within_validity_and_never_below_zero(system, postpaid, plan):
    from catalog.models import Discount

    line = postpaid("13800138000")
    Discount.objects.create(code="A-STANDING", name="老用户减10元", business="", plan=plan, target="monthly_fee",
                            amount_off="10.00", valid_from=date(2025, 3, 16), valid_until=date(2025, 12, 31))
    Discount.objects.create(code="B-HALF", name="半价", business="", plan=None, target="monthly_fee",
                            percent_off="50", valid_from=date(2020, 1, 1))
    Discount.objects.create(code="C-BIG", name="大额减免", business="", target="monthly_fee", amount_off="100.00",
                            valid_from=date(2020, 1, 1))
    Discount.objects.create(code="D-OLD", name="已过期", business="", target="monthly_fee", amount_off="5.00",
                            valid_from=date(2020, 1, 1), valid_until=date(2025, 2, 28))
    Discount.objects.create(code="E-OPEN", name="开户优惠", business="open_account", target="monthly_fee",
                            amount_off="5.00", valid_from=date(2020, 1, 1))
    run_month(system)
    bill = Bill.objects.get(line=line)
    # 10 × 16/31 = 5.16; half of 58 = 29.00; the rest of the fee (23.84) for the big one; expired and
    # opening-only discounts are not applied by the bill run.
    assert [i[3] for i in items_of(bill)] == [D("58.00"), D("-5.16"), D("-29.00"), D("-23.84")]
    assert bill.total == D("0.00")
    assert ledger_check_balanced() == []


def test_running_the_month_twice_makes_no_second_bill_and_no_second_posting(system, postpaid, usage):
    lines = [postpaid(f"1380013800{i}") for i in range(3)]
    usage(lines[0], at(5), seconds=200 * 60)
    run_month(system)
    state = (Bill.objects.count(), LedgerTransaction.objects.count(),
             sorted(Bill.objects.values_list("total", flat=True)))
    run = run_month(system)
    assert (Bill.objects.count(), LedgerTransaction.objects.count(),
            sorted(Bill.objects.values_list("total", flat=True))) == state
    assert run.passes == 2 and run.status == "done"


def test_the_database_refuses_a_second_bill_for_a_line_and_month(system, postpaid):
    line = postpaid("13800138000")
    run_month(system)
    with pytest.raises(IntegrityError), transaction.atomic():
        Bill.objects.create(line=line, account=line.account, customer=line.customer, plan=line.plan, period=MARCH,
                            total=D("1.00"))


def _expected(lines):
    months = line_months_load([LineInfo.of(type(ln).objects.select_related("account").get(pk=ln.pk)) for ln in lines],
                              MARCH)
    return {lm.line.msisdn: sum((i.amount for i in line_month_items(lm)), D("0")) for lm in months.values()}


def test_a_run_stopped_half_way_and_started_again_bills_each_line_once_with_the_same_amounts(
        system, postpaid, usage, settings):
    settings.BOSS_BILL_RUN_CHUNK = 2
    lines = [postpaid(f"138001380{i:02d}") for i in range(9)]
    for i, ln in enumerate(lines):
        usage(ln, at(1 + i), seconds=(95 + 3 * i) * 60)
    usage_rate(actor=system, period=MARCH)
    expected = _expected(lines)
    run = bill_run_start(actor=system, period=MARCH)
    bill_run_execute(actor=system, run=run, max_chunks=2)            # then the worker "dies"
    assert Bill.objects.count() == 4 and run.chunks.filter(status="pending").count() == 3
    again = bill_run_start(actor=system, period=MARCH)               # resumes the pending chunks
    assert again.pk == run.pk and again.passes == 1
    bill_run_execute(actor=system, run=again)
    assert {b.line.msisdn: b.total for b in Bill.objects.select_related("line")} == expected
    assert LedgerTransaction.objects.filter(kind="bill").count() == 9
    assert ledger_check_balanced() == []


def test_a_failing_chunk_is_reported_and_the_next_pass_bills_its_lines(system, postpaid, settings, monkeypatch):
    settings.BOSS_BILL_RUN_CHUNK = 2
    lines = [postpaid(f"138001380{i:02d}") for i in range(5)]
    real = bill_run_module.bill_lines_for_period

    def flaky(*, lines, **kwargs):
        if any(ln.msisdn == "13800138002" for ln in lines):
            raise RuntimeError("disk full")
        return real(lines=lines, **kwargs)

    monkeypatch.setattr(bill_run_module, "bill_lines_for_period", flaky)
    run = run_month(system)
    assert run.status == "done_with_errors" and Bill.objects.count() == 3
    report = bill_run_report(run)
    assert report.chunks_failed == 1 and "disk full" in report.errors[0]["error"]
    monkeypatch.setattr(bill_run_module, "bill_lines_for_period", real)
    run = run_month(system)
    assert run.status == "done" and run.passes == 2 and Bill.objects.count() == len(lines)
    assert bill_run_report(run).errors == []


def test_a_chunk_failure_marks_only_a_chunk_still_pending(system, postpaid, settings):
    """The failed transaction released the claim: a chunk another worker billed meanwhile stays billed."""
    settings.BOSS_BILL_RUN_CHUNK = 1
    postpaid("13800138000"), postpaid("13800138001")
    run = bill_run_start(actor=system, period=MARCH)
    billed, pending = run.chunks.order_by("pk")
    assert bill_run_module.bill_run_chunk_next(actor=system, run=run).pk == billed.pk
    bill_run_module._bill_run_chunk_fail(chunk_id=billed.pk, error="disk full")
    bill_run_module._bill_run_chunk_fail(chunk_id=pending.pk, error="disk full")
    billed.refresh_from_db(), pending.refresh_from_db()
    assert (billed.status, billed.attempts, billed.errors) == ("done", 1, [])
    assert (pending.status, pending.attempts, pending.errors) == ("failed", 1, [{"line": "", "error": "disk full"}])


def test_a_closed_run_is_not_closed_again(system, postpaid):
    postpaid("13800138000")
    run = run_month(system)
    finished_at = run.finished_at
    again = bill_run_execute(actor=system, run=run)     # a second worker arrives after the close
    assert (again.status, again.finished_at) == ("done", finished_at)
    assert AuditEvent.objects.filter(action="bill_run.finish").count() == 1


def test_one_bad_line_is_reported_by_number_and_the_others_are_billed(system, postpaid, monkeypatch):
    from billing.services import charges

    lines = [postpaid(f"138001380{i:02d}") for i in range(3)]
    real = charges.line_month_items

    def broken(lm):
        if lm.line.msisdn == "13800138001":
            raise ValueError("plan without a price")
        return real(lm)

    monkeypatch.setattr(charges, "line_month_items", broken)
    run = run_month(system)
    assert Bill.objects.count() == 2 and run.status == "done_with_errors"
    assert bill_run_report(run).errors == [{"line": "13800138001", "error": "plan without a price"}]
    assert lines


def test_a_month_that_has_not_ended_cannot_be_billed(system, postpaid):
    from django.utils import timezone

    postpaid("13800138000")
    with pytest.raises(BillRunTooEarlyError) as exc:
        bill_run_start(actor=system, period=timezone.localdate())
    assert exc.value.code == "bill_run_too_early"
    assert not BillRun.objects.exists() and not Bill.objects.exists()


def test_prepaid_lines_are_charged_in_real_time_and_the_bill_posts_only_the_rest(system, make_line, plan, usage):
    line = make_line("13800138000", activated_at=datetime(2024, 1, 1, tzinfo=SH))   # prepaid by default
    line.plan = plan
    line.save(update_fields=["plan"])
    assert line.account.realtime_prepaid
    prepaid_charges_sync(actor=system, period=MARCH)      # the 1st of the month: the fee in advance
    assert account_money(line.account).balance == D("-58.00")
    prepaid_charges_sync(actor=system, period=MARCH)      # nothing new: nothing posted
    assert PrepaidCharge.objects.count() == 1
    usage(line, at(3), seconds=105 * 60)                  # rated → charged at once: 5 × 0.19
    usage_rate(actor=system, period=MARCH)
    assert account_money(line.account).balance == D("-58.95")
    run_month(system)
    bill = Bill.objects.get(line=line)
    assert (bill.total, bill.charged_in_advance, bill.ledger_transaction) == (D("58.95"), D("58.95"), None)
    assert account_money(line.account).balance == D("-58.95")     # charged once, never twice
    assert ledger_check_balanced() == []


def test_a_prepaid_line_cancelled_mid_month_gets_the_unused_days_back(system, make_line, plan):
    line = make_line("13800138000", activated_at=datetime(2024, 1, 1, tzinfo=SH))
    prepaid_charges_sync(actor=system, period=MARCH)
    assert account_money(line.account).balance == D("-58.00")
    type(line).objects.filter(pk=line.pk).update(cancelled_at=at(11, 9), status="cancelled")
    prepaid_charges_sync(actor=system, period=MARCH)
    assert account_money(line.account).balance == D("-18.71")
    run_month(system)
    assert Bill.objects.get(line=line).total == D("18.71")
    assert account_money(line.account).balance == D("-18.71")
    assert plan


def test_a_bill_over_three_times_the_average_of_the_previous_months_is_flagged(system, postpaid, usage):
    heavy, normal, new = postpaid("13800138000"), postpaid("13800138001"), postpaid("13800138002")
    for ln in (heavy, normal):
        for months_back in (1, 2, 3):
            Bill.objects.create(line=ln, account=ln.account, customer=ln.customer, plan=ln.plan,
                                period=month_add(MARCH, -months_back), total=D("58.00"))
    usage(heavy, at(2), seconds=900 * 60)     # 800 minutes beyond: 152.00 → 210.00 > 3 × 58
    usage(new, at(2), seconds=900 * 60)       # no history: never flagged
    run_month(system)
    flags = {b.line.msisdn: (b.huge, b.history_average)
             for b in Bill.objects.filter(period=MARCH).select_related("line")}
    assert flags == {"13800138000": (True, D("58.00")), "13800138001": (False, D("58.00")),
                     "13800138002": (False, None)}


def test_paid_bills_earn_points_oldest_first_with_an_expiry(system, postpaid, usage, rep):
    from billing.services.payments import payment_collect

    line = postpaid("13800138000")
    run_month(system, month_add(MARCH, -1))    # February: 58.00
    run_month(system)                                 # March: 58.00
    assert not BillSettlement.objects.exists()
    payment_collect(actor=rep, account=line.account, amount=D("60.00"), method="cash")   # pays February only
    assert bills_settle(actor=system) == 1
    feb = Bill.objects.get(period=month_add(MARCH, -1))
    lot = PointsLot.objects.get(bill=feb)
    assert (lot.points, lot.remaining) == (58, 58)
    assert lot.expires_on == month_end(month_add(month_start(lot.earned_on), 36))
    assert bills_settle(actor=system) == 0          # safe to run twice
    payment_collect(actor=rep, account=line.account, amount=D("56.00"), method="cash")
    bills_settle(actor=system)
    assert PointsLot.objects.count() == 2


def test_prepaid_bills_covered_by_the_balance_are_settled_by_the_run(system, make_line, rep):
    from billing.services.payments import payment_collect

    line = make_line("13800138000", activated_at=datetime(2024, 1, 1, tzinfo=SH))
    payment_collect(actor=rep, account=line.account, amount=D("100.00"), method="cash")
    run_month(system)
    assert BillSettlement.objects.get(bill__line=line).points == 58


@pytest.mark.parametrize("n", [3])
def test_a_chunk_costs_the_same_number_of_queries_whatever_its_number_of_lines(system, postpaid, usage, settings, n,
                                                                              make_commitment):
    from catalog.models import Feature, Plan
    from customers.models import LineFeature, SecondaryCard

    settings.BOSS_BILL_RUN_CHUNK = 1000
    clip = Feature.objects.create(code="CLIP-Q", name="来电显示", kind="caller_id", monthly_fee="5.00",
                                  valid_from=date(2020, 1, 1))
    Plan.objects.create(code="FAM-FK-10", name="主副卡 副卡10元/张", kind="family", monthly_fee="10.00",
                        valid_from=date(2020, 1, 1))

    def measure(period, count, prefix):
        lines = [postpaid(f"{prefix}{i:04d}") for i in range(count)]
        for ln in lines:
            LineFeature.objects.create(line=ln, feature=clip, since=date(2024, 1, 1))
            usage(ln, datetime.combine(period, datetime.min.time(), tzinfo=SH).replace(day=2), seconds=150 * 60)
            make_commitment(ln, "88.00", date(2024, 1, 1))     # premium numbers: their minimums load in bulk
        for primary, card in zip(lines[::2], lines[1::2], strict=False):   # secondary cards: their fees in bulk
            SecondaryCard.objects.create(primary=primary, secondary=card, since=period)
        run = bill_run_start(actor=system, period=period)
        with CaptureQueriesContext(connection) as ctx:
            bill_run_module.bill_run_chunk_next(actor=system, run=run)
        return len(ctx.captured_queries)

    measure(month_add(MARCH, -1), 1, "1370013")   # warm up: revenue accounts, the system actor
    few = measure(MARCH, n, "1380013")
    many = measure(month_add(MARCH, 1), n * 5, "1390013")
    assert few == many, (few, many)
    assert BillRunChunk.objects.filter(status="done").count() == 3

"""The minimum monthly spend (保底消费) of premium numbers in the bill run: the exact top-up, none when the
line spends more or outside the commitment's days, prorated like the monthly fee, posted once in the
bill's balanced transaction, never taken in real time from a prepaid line, idempotent and resumable,
shown on the itemised bill (screen and PDF) in Chinese."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from billing.models import Bill, LedgerTransaction, PrepaidCharge
from billing.selectors import account_balance, account_money, current_charges, itemised_bill, ledger_check_balanced
from billing.services.bill_run import bill_run_execute, bill_run_start
from billing.services.charges import LineInfo, line_month_items, line_months_load, minimum_spend_top_up
from billing.services.ledger import ledger_account_revenue
from billing.services.prepaid import prepaid_charges_sync
from billing.services.rating import usage_rate
from conftest import require_os

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
D = Decimal
MARCH = date(2025, 3, 1)
LONG_AGO = date(2024, 6, 15)


def at(day, hour=10):
    return datetime(2025, 3, day, hour, tzinfo=SH)


@pytest.fixture
def postpaid(make_line, make_account, plan):
    """postpaid(msisdn, **line_fields) → an active line on the 58-yuan plan, paying monthly (not prepaid)."""
    def make(msisdn, **fields):
        fields.setdefault("activated_at", datetime(2024, 1, 1, tzinfo=SH))
        ln = make_line(msisdn, account=make_account(realtime_prepaid=False), **fields)
        ln.plan = plan
        ln.save(update_fields=["plan"])
        return ln
    return make


def run_month(actor, period=MARCH):
    return bill_run_execute(actor=actor, run=bill_run_start(actor=actor, period=period))


def items_of(bill):
    return [(i.fee_type, i.name, i.days, i.amount) for i in bill.items.order_by("pk")]


def top_up_of(bill):
    return [i.amount for i in bill.items.filter(fee_type="minimum_spend")]


def test_a_month_below_the_minimum_is_topped_up_to_it_in_the_same_balanced_transaction(system, postpaid,
                                                                                        make_commitment):
    line = postpaid("13800138000")
    make_commitment(line, "88.00", LONG_AGO, until=date(2025, 6, 30))
    run_month(system)
    bill = Bill.objects.get(line=line, period=MARCH)
    assert items_of(bill) == [("monthly", "计费测试套餐58", 31, D("58.00")),
                              ("minimum_spend", "88.00", 31, D("30.00"))]
    assert bill.total == D("88.00")
    tx = bill.ledger_transaction
    assert tx.kind == "bill" and tx.entries.count() == 3
    assert account_money(line.account).balance == D("-88.00")
    assert account_balance(ledger_account_revenue(fee_type="minimum_spend")) == D("30.00")
    assert account_balance(ledger_account_revenue(fee_type="monthly")) == D("58.00")
    assert ledger_check_balanced() == []


def test_usage_counts_toward_the_minimum_and_a_line_spending_more_gets_no_top_up(system, postpaid, usage,
                                                                                 make_commitment):
    some, more = postpaid("13800138000"), postpaid("13800138001")
    for ln in (some, more):
        make_commitment(ln, "88.00", LONG_AGO)          # open-ended: as long as the line keeps the number
    usage(some, at(2), seconds=130 * 60)                # 30 minutes beyond the allowance: 5.70
    usage(more, at(2), seconds=300 * 60)                # 200 beyond: 38.00 → 96.00 > 88.00
    run_month(system)
    assert top_up_of(Bill.objects.get(line=some)) == [D("24.30")]       # 88.00 − 58.00 − 5.70
    assert Bill.objects.get(line=some).total == D("88.00")
    assert top_up_of(Bill.objects.get(line=more)) == []
    assert Bill.objects.get(line=more).total == D("96.00")


def test_discounts_lower_what_counts_toward_the_minimum(system, postpaid, make_commitment):
    from catalog.models import Discount
    from customers.models import LineDiscount

    line = postpaid("13800138000")
    make_commitment(line, "88.00", LONG_AGO)
    promo = Discount.objects.create(code="P20", name="月费8折", business="open_account", target="monthly_fee",
                                    percent_off="20", valid_from=date(2020, 1, 1))
    LineDiscount.objects.create(line=line, discount=promo, since=date(2024, 1, 1))
    run_month(system)
    bill = Bill.objects.get(line=line)
    assert [i[0] for i in items_of(bill)] == ["monthly", "discount", "minimum_spend"]
    assert top_up_of(bill) == [D("41.60")] and bill.total == D("88.00")   # 58.00 − 11.60 = 46.40 spent


def test_no_top_up_outside_the_commitments_days(system, postpaid, make_commitment):
    over = postpaid("13800138000")
    make_commitment(over, "88.00", date(2023, 2, 10), until=date(2025, 2, 28))     # agreement over in February
    later = postpaid("13800138001")
    make_commitment(later, "88.00", date(2025, 4, 1))                              # starts in April
    ended = postpaid("13800138002")
    make_commitment(ended, "88.00", LONG_AGO, ended_on=date(2025, 3, 1))           # left the number on 1 March
    plain = postpaid("13800138003")
    run_month(system)
    assert {b.line.msisdn: b.total for b in Bill.objects.select_related("line")} == {
        "13800138000": D("58.00"), "13800138001": D("58.00"), "13800138002": D("58.00"), "13800138003": D("58.00")}
    assert not Bill.objects.filter(items__fee_type="minimum_spend").exists()
    assert plain


def test_the_opening_month_prorates_the_minimum_like_the_monthly_fee(system, postpaid, make_commitment):
    # Paid on the 16th, activated by the network on the 17th: live 15 of 31 days.
    line = postpaid("13800138000", activated_at=datetime(2025, 3, 17, 9, tzinfo=SH))
    make_commitment(line, "88.00", date(2025, 3, 16), until=date(2027, 3, 31))
    run_month(system)
    bill = Bill.objects.get(line=line)
    # minimum 88 × 15/31 = 42.58; fee 58 × 15/31 = 28.06
    assert items_of(bill) == [("monthly", "计费测试套餐58", 15, D("28.06")),
                              ("minimum_spend", "42.58", 15, D("14.52"))]
    assert bill.total == D("42.58")
    april = rules_month(1)
    run_month(system, april)
    assert Bill.objects.get(line=line, period=april).total == D("88.00")   # then whole months


def rules_month(n):
    from boss.months import month_add

    return month_add(MARCH, n)


def test_a_number_change_mid_month_counts_each_numbers_minimum_for_its_own_days(system, postpaid,
                                                                                  make_commitment):
    line = postpaid("13800138000")
    make_commitment(line, "88.00", LONG_AGO, ended_on=date(2025, 3, 10))          # old number: 1–9 March
    make_commitment(line, "158.00", date(2025, 3, 10), until=date(2027, 3, 31))   # new number: 10–31 March
    run_month(system)
    bill = Bill.objects.get(line=line)
    # 88 × 9/31 = 25.55 and 158 × 22/31 = 112.13: minimum 137.68, spent 58.00
    assert items_of(bill)[-1] == ("minimum_spend", "137.68", 31, D("79.68"))
    assert bill.total == D("137.68")


def test_a_line_cancelled_mid_month_owes_the_minimum_of_its_live_days(system, postpaid, make_commitment):
    line = postpaid("13800138000", cancelled_at=datetime(2025, 3, 11, 9, tzinfo=SH), status="cancelled")
    make_commitment(line, "88.00", LONG_AGO, ended_on=date(2025, 3, 11), reason="cancelled")
    run_month(system)
    bill = Bill.objects.get(line=line)
    assert top_up_of(bill) == [D("9.68")] and bill.total == D("28.39")    # 88 × 10/31; fee 18.71


def test_running_the_month_again_or_resuming_it_gives_the_same_bills_and_ledger(system, postpaid, usage,
                                                                               make_commitment, settings):
    settings.BOSS_BILL_RUN_CHUNK = 2
    lines = [postpaid(f"138001380{i:02d}") for i in range(5)]
    for i, ln in enumerate(lines):
        make_commitment(ln, "88.00", LONG_AGO)
        usage(ln, at(1 + i), seconds=(100 + 40 * i) * 60)    # 0 .. 160 minutes beyond the allowance
    usage_rate(actor=system, period=MARCH)
    run = bill_run_start(actor=system, period=MARCH)
    bill_run_execute(actor=system, run=run, max_chunks=1)    # the worker "dies" after one chunk
    assert Bill.objects.count() == 2
    bill_run_execute(actor=system, run=bill_run_start(actor=system, period=MARCH))
    state = (sorted(Bill.objects.values_list("line__msisdn", "total")),
             LedgerTransaction.objects.count(),
             account_balance(ledger_account_revenue(fee_type="minimum_spend")))
    # 58 + 0, 7.60, 15.20, 22.80, 30.40 of usage: the first four are topped up to 88.00
    assert [t for _m, t in state[0]] == [D("88.00"), D("88.00"), D("88.00"), D("88.00"), D("88.40")]
    assert state[2] == D("30.00") + D("22.40") + D("14.80") + D("7.20")
    run_month(system)
    assert (sorted(Bill.objects.values_list("line__msisdn", "total")), LedgerTransaction.objects.count(),
            account_balance(ledger_account_revenue(fee_type="minimum_spend"))) == state
    assert ledger_check_balanced() == []


def test_a_prepaid_line_is_never_topped_up_in_real_time_and_the_bill_takes_it_once(system, make_line, plan, usage,
                                                                                    make_commitment):
    line = make_line("13800138000", activated_at=datetime(2024, 1, 1, tzinfo=SH))   # prepaid by default
    line.plan = plan
    line.save(update_fields=["plan"])
    assert line.account.realtime_prepaid
    make_commitment(line, "88.00", LONG_AGO)
    prepaid_charges_sync(actor=system, period=MARCH)        # the month's fee in advance, not the minimum
    assert account_money(line.account).balance == D("-58.00")
    usage(line, at(3), seconds=105 * 60)                     # rated → charged at once: 0.95
    usage_rate(actor=system, period=MARCH)
    prepaid_charges_sync(actor=system, period=MARCH)        # even after the month is over: nothing more
    assert account_money(line.account).balance == D("-58.95")
    assert set(PrepaidCharge.objects.values_list("fee_type", flat=True)) == {"monthly", "voice"}

    run_month(system)
    bill = Bill.objects.get(line=line)
    assert (bill.total, bill.charged_in_advance) == (D("88.00"), D("58.95"))
    assert top_up_of(bill) == [D("29.05")]
    assert bill.ledger_transaction is not None                # the bill posts what is still missing: the top-up
    assert account_money(line.account).balance == D("-88.00")

    prepaid_charges_sync(actor=system, period=MARCH)        # the month is billed: never charged again
    usage_rate(actor=system, period=MARCH)
    run_month(system)
    assert account_money(line.account).balance == D("-88.00")
    assert not PrepaidCharge.objects.filter(fee_type="minimum_spend").exists()
    assert LedgerTransaction.objects.filter(kind="bill").count() == 1
    assert ledger_check_balanced() == []


def test_the_current_month_shows_no_top_up_yet_and_an_ended_unbilled_month_does(system, postpaid, make_commitment):
    from billing.services.charges import LineInfo as Info

    line = postpaid("13800138000")
    make_commitment(line, "88.00", LONG_AGO)
    lm = line_months_load([Info.of(type(line).objects.select_related("account").get(pk=line.pk))], MARCH)[line.pk]
    assert [i.fee_type for i in line_month_items(lm)] == ["monthly"]          # what the month costs so far
    assert [i.amount for i in minimum_spend_top_up(lm, line_month_items(lm))] == [D("30.00")]
    assert itemised_bill(line=line, period=MARCH).total == D("88.00")         # March is over, not billed yet
    assert current_charges(line.account, today=date(2025, 4, 5)) == {date(2025, 3, 1): D("88.00"),
                                                                      date(2025, 4, 1): D("58.00")}


def test_lines_without_a_commitment_are_billed_as_before(system, postpaid):
    line = postpaid("13800138000")
    lm = line_months_load([LineInfo.of(type(line).objects.select_related("account").get(pk=line.pk))], MARCH)[line.pk]
    assert lm.commitments == [] and minimum_spend_top_up(lm, line_month_items(lm)) == []


def test_the_itemised_bill_shows_the_top_up_in_chinese(client, rep, system, postpaid, make_commitment):
    line = postpaid("13800138000")
    make_commitment(line, "88.00", LONG_AGO)
    run_month(system)
    client.force_login(rep)
    page = client.get(reverse("billing:itemised", args=[line.pk, "2025-03"])).content.decode()
    assert "保底消费补足（本月保底 ¥88.00）" in page and "¥30.00" in page
    body = client.get(reverse("api_itemised_bill", args=[line.msisdn, "2025-03"])).json()
    assert {"fee_type": "minimum_spend", "amount": "30.00"}.items() <= next(
        i for i in body["items"] if i["fee_type"] == "minimum_spend").items()


@require_os(binaries=["pdftotext"])
@pytest.mark.needs_os
def test_the_printed_itemised_bill_shows_the_top_up(system, postpaid, make_commitment, tmp_path):
    import subprocess

    from billing.services.itemised import itemised_bill_pdf

    line = postpaid("13800138000")
    make_commitment(line, "88.00", LONG_AGO)
    run_month(system)
    path = tmp_path / "itemised.pdf"
    path.write_bytes(itemised_bill_pdf(line=line, period=MARCH))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "保底消费补足" in text and "30.00" in text and "88.00" in text

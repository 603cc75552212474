"""The secondary-card fee (主副卡 副卡10元/张): each card costs its primary line the monthly fee of the
catalogue add-on the tariff names (`billing.secondary_card_addon`), prorated like a feature by the days it was
attached (both ends included) within the primary's live days; on the bill, the itemised bill and the prepaid
real-time charges, posted to the feature revenue in a balanced ledger. March has 31 days."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from billing.models import Bill, PrepaidCharge
from billing.selectors import account_money, ledger_check_balanced
from billing.services.bill_run import bill_run_execute, bill_run_start
from billing.services.prepaid import prepaid_charges_sync
from catalog.models import Plan
from customers.models import SecondaryCard

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
D = Decimal
MARCH = date(2025, 3, 1)
ADDON = "主副卡 副卡10元/张"


@pytest.fixture
def addon(db):
    return Plan.objects.create(code="FAM-FK-10", name=ADDON, kind=Plan.Kind.FAMILY, monthly_fee="10.00",
                               valid_from=date(2020, 1, 1))


@pytest.fixture
def family(make_line, make_account, plan, addon):
    """A primary on the 58-yuan plan with three cards in March: one attached all month, one added on the 10th
    (22 days: 10 × 22/31 = 7.10), one removed on the 20th (20 days: 10 × 20/31 = 6.45)."""
    def make(prepaid: bool):
        account = make_account(realtime_prepaid=prepaid)
        primary = make_line("13800138000", account=account, activated_at=datetime(2024, 1, 1, tzinfo=SH))
        primary.plan = plan
        primary.save(update_fields=["plan"])
        cards = [make_line(f"1380013800{i}", account=account, activated_at=datetime(2024, 1, 1, tzinfo=SH))
                 for i in (1, 2, 3)]
        for card, since, until in zip(cards, (date(2025, 2, 1), date(2025, 3, 10), date(2025, 2, 1)),
                                      (None, None, date(2025, 3, 20)), strict=True):
            SecondaryCard.objects.create(primary=primary, secondary=card, since=since, until=until)
        return primary, cards
    return make


def _card_items(bill):
    return sorted((i.name, i.days, i.amount) for i in bill.items.filter(fee_type="feature"))


def test_the_bill_run_charges_each_card_by_its_days_on_the_primary_s_bill(system, family):
    primary, cards = family(prepaid=False)
    bill_run_execute(actor=system, run=bill_run_start(actor=system, period=MARCH))
    bill = Bill.objects.get(line=primary)
    assert _card_items(bill) == [(f"{ADDON}（13800138001）", 31, D("10.00")),
                                 (f"{ADDON}（13800138002）", 22, D("7.10")),
                                 (f"{ADDON}（13800138003）", 20, D("6.45"))]
    assert bill.total == D("58.00") + D("23.55")
    assert all(not Bill.objects.get(line=c).items.filter(fee_type="feature").exists() for c in cards)
    assert account_money(primary.account).balance == -(bill.total + D("58.00") * 3)   # the cards' own plans
    assert ledger_check_balanced() == []


def test_a_card_of_a_primary_not_live_all_month_is_charged_for_the_live_days_only(system, family):
    primary, _cards = family(prepaid=False)
    type(primary).objects.filter(pk=primary.pk).update(activated_at=datetime(2025, 3, 16, 9, tzinfo=SH))
    bill_run_execute(actor=system, run=bill_run_start(actor=system, period=MARCH))
    # From the 16th: 16 days for the first two cards (5.16), 5 for the one removed on the 20th (1.61).
    assert [a for _n, _d, a in _card_items(Bill.objects.get(line=primary))] == [D("5.16"), D("5.16"), D("1.61")]


def test_no_add_on_named_in_the_tariff_costs_nothing(system, family, set_tariff):
    set_tariff("billing.secondary_card_addon", "")
    primary, _cards = family(prepaid=False)
    bill_run_execute(actor=system, run=bill_run_start(actor=system, period=MARCH))
    assert Bill.objects.get(line=primary).total == D("58.00")


def test_prepaid_charging_takes_the_card_fees_in_advance_and_gives_back_a_removed_card_s_days(system, family):
    primary, cards = family(prepaid=True)
    SecondaryCard.objects.filter(secondary=cards[2]).update(until=None)   # the third still attached on the 1st
    prepaid_charges_sync(actor=system, period=MARCH)
    taken = PrepaidCharge.objects.get(line=primary, fee_type="feature").amount
    assert taken == D("10.00") + D("7.10") + D("10.00")
    SecondaryCard.objects.filter(secondary=cards[2]).update(until=date(2025, 3, 20))   # removed on the 20th
    prepaid_charges_sync(actor=system, period=MARCH)
    back = PrepaidCharge.objects.filter(line=primary, fee_type="feature").order_by("pk").last().amount
    assert back == D("6.45") - D("10.00")
    bill_run_execute(actor=system, run=bill_run_start(actor=system, period=MARCH))
    bill = Bill.objects.get(line=primary)
    assert bill.total == D("58.00") + D("23.55") and bill.ledger_transaction is None   # all taken in real time
    assert ledger_check_balanced() == []


def test_the_itemised_bill_shows_the_card_fee_with_its_chinese_label(client, clerk, family):
    primary, _cards = family(prepaid=False)
    client.force_login(clerk)
    page = client.get(reverse("billing:itemised", args=[primary.pk, "2025-03"])).content.decode()
    assert f"功能费：{ADDON}（13800138002）（22 天）" in page and "7.10" in page


@pytest.mark.parametrize(("valid_from", "valid_until", "active", "days", "amount"), [
    (date(2020, 1, 1), date(2025, 3, 15), True, 15, D("4.84")),     # withdrawn mid-month: 10 × 15/31
    (date(2025, 3, 16), None, True, 16, D("5.16")),                 # in force from mid-month: 10 × 16/31
    (date(2020, 1, 1), date(2025, 3, 1), True, 1, D("0.32")),       # its last day the month's first
    (date(2025, 3, 31), None, True, 1, D("0.32")),                  # its first day the month's last
    (date(2020, 1, 1), date(2025, 2, 28), True, 0, None),           # ended the day before the month
    (date(2025, 4, 1), None, True, 0, None),                        # starts the day after it
    (date(2020, 1, 1), None, False, 0, None),                       # off sale
])
def test_a_card_is_charged_only_on_the_days_the_add_on_is_in_force(system, family, addon, valid_from, valid_until,
                                                                   active, days, amount):
    Plan.objects.filter(pk=addon.pk).update(valid_from=valid_from, valid_until=valid_until, active=active)
    primary, cards = family(prepaid=False)
    SecondaryCard.objects.exclude(secondary=cards[0]).delete()      # one card, attached all month
    bill_run_execute(actor=system, run=bill_run_start(actor=system, period=MARCH))
    expected = [(f"{ADDON}（13800138001）", days, amount)] if amount else []
    assert _card_items(Bill.objects.get(line=primary)) == expected

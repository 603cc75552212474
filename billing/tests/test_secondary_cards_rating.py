"""Secondary cards (主副卡) in rating and the bill run (billing/rating_rules.py, "Secondary cards"): a
secondary's usage on its shared days is rated against the primary's allowance in time order over both
lines, beyond it at the primary's rates; other days use its own plan; rating one member rates the group;
the bill run bills a group together even when its lines fall into different chunks; the SQL path equals
the Python path."""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from billing import rating_rules as rules
from billing.models import Bill, RatedRecord
from billing.services.bill_run import bill_run_execute, bill_run_start
from billing.services.rating import usage_rate
from catalog.models import Plan
from conftest import is_postgres
from customers.models import SecondaryCard

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
D = Decimal
MARCH = date(2025, 3, 1)


def at(day, hour=10, minute=0):
    return datetime(2025, 3, day, hour, minute, tzinfo=SH)


@pytest.fixture
def group(make_line, make_account, plan):
    """A primary on the allowance plan (100 minutes, 0.19/min beyond) and a secondary on a 10-yuan plan
    without allowance (0.30/min), both billed monthly; the secondary shares from 1 to 20 March."""
    own = Plan.objects.create(code="SEC10", name="副卡套餐10元", monthly_fee="10.00", overage_per_minute="0.30",
                              valid_from=date(2020, 1, 1))
    account = make_account(realtime_prepaid=False)
    primary = make_line("13800138000", account=account, activated_at=datetime(2024, 1, 1, tzinfo=SH))
    primary.plan = plan
    primary.save(update_fields=["plan"])
    secondary = make_line("13800138001", account=make_account(realtime_prepaid=False),
                          activated_at=datetime(2024, 1, 1, tzinfo=SH))
    secondary.plan = own
    secondary.save(update_fields=["plan"])
    SecondaryCard.objects.create(primary=primary, secondary=secondary, since=date(2025, 2, 10),
                                 until=date(2025, 3, 20))

    class Group:
        pass

    g = Group()
    g.primary, g.secondary, g.plan, g.own = primary, secondary, plan, own
    return g


def rated(record):
    return RatedRecord.objects.get(usage_record=record)


def test_a_secondary_uses_the_primarys_allowance_in_time_order_then_the_primarys_rate(system, group, usage):
    p1 = usage(group.primary, at(2), seconds=60 * 60)          # 60 of the 100 minutes
    s1 = usage(group.secondary, at(3), seconds=30 * 60)        # 30 more: 90
    p2 = usage(group.primary, at(4), seconds=15 * 60)          # crosses: 10 inside, 5 beyond at 0.19
    s2 = usage(group.secondary, at(5), seconds=10 * 60)        # all beyond, at the primary's 0.19
    s3 = usage(group.secondary, at(21), seconds=10 * 60)       # after the card was removed: its own plan, 0.30
    usage_rate(actor=system, period=MARCH, line_ids=[group.secondary.pk])   # one member rates the group
    assert (rated(p1).included_units, rated(s1).included_units) == (60, 30)
    assert (rated(p2).included_units, rated(p2).charge) == (10, D("0.95"))
    assert (rated(s2).included_units, rated(s2).charge, rated(s2).rate) == (0, D("1.90"), D("0.1900"))
    assert (rated(s3).included_units, rated(s3).charge, rated(s3).rate) == (0, D("3.00"), D("0.3000"))
    assert rated(s1).plan_id == group.plan.pk and rated(s3).plan_id == group.own.pk
    assert RatedRecord.objects.filter(line=group.primary).count() == 2


def test_without_the_card_each_line_keeps_its_own_allowance(system, group, usage):
    SecondaryCard.objects.all().delete()
    s1 = usage(group.secondary, at(3), seconds=30 * 60)
    p1 = usage(group.primary, at(4), seconds=100 * 60)
    usage_rate(actor=system, period=MARCH)
    assert (rated(s1).included_units, rated(s1).charge) == (0, D("9.00"))   # no allowance of its own
    assert (rated(p1).included_units, rated(p1).charge) == (100, D("0.00"))  # the primary's 100 all its own


def test_the_bill_run_bills_a_group_together_across_chunks_and_each_line_its_own_charges(system, group, usage,
                                                                                      settings, make_line):
    settings.BOSS_BILL_RUN_CHUNK = 1                    # the primary and the secondary in different chunks
    usage(group.primary, at(2), seconds=90 * 60)
    usage(group.secondary, at(3), seconds=20 * 60)      # 10 inside, 10 beyond at 0.19
    run = bill_run_start(actor=system, period=MARCH)
    assert run.chunks.count() == 2
    bill_run_execute(actor=system, run=run)
    bills = {b.line_id: b for b in Bill.objects.filter(period=MARCH)}
    assert bills[group.primary.pk].total == D("58.00")
    assert bills[group.secondary.pk].total == D("10.00") + D("1.90")
    assert run.chunks.filter(status="done").count() == 2
    assert sum(c.bills for c in run.chunks.all()) == 2   # billed once each, by the chunk of the group's first line


def test_a_billed_members_rating_stays_and_what_it_took_is_gone_from_the_pool(system, group, usage):
    usage(group.primary, at(2), seconds=70 * 60)
    usage_rate(actor=system, period=MARCH)
    Bill.objects.create(line=group.primary, account=group.primary.account, customer=group.primary.customer,
                        plan=group.plan, period=MARCH, total=D("58.00"))
    late = usage(group.secondary, at(6), seconds=40 * 60)     # 30 left in the pool: 10 beyond
    usage_rate(actor=system, period=MARCH, line_ids=[group.secondary.pk])
    assert (rated(late).included_units, rated(late).charge) == (30, D("1.90"))
    assert RatedRecord.objects.filter(line=group.primary, included_units=70).count() == 1


@pytest.mark.postgres
def test_the_sql_rating_of_shared_pools_equals_the_python_rating(system, group, make_line, make_account, plan,
                                                                 usage):
    """Random usage over a primary, its secondary (shared part of the month) and a line moved on day 10
    from that primary to another one (removed and added again the same day)."""
    from django.db import transaction

    from billing.services import rating
    from billing.services.sharing import rating_group

    other = make_line("13800138002", account=make_account(realtime_prepaid=False),
                      activated_at=datetime(2024, 1, 1, tzinfo=SH))
    other.plan = plan
    other.save(update_fields=["plan"])
    mover = make_line("13800138003", account=make_account(realtime_prepaid=False),
                      activated_at=datetime(2024, 1, 1, tzinfo=SH))
    SecondaryCard.objects.create(primary=group.primary, secondary=mover, since=date(2025, 3, 1),
                                 until=date(2025, 3, 10))
    SecondaryCard.objects.create(primary=other, secondary=mover, since=date(2025, 3, 10))
    rng = random.Random(7)
    lines = [group.primary, group.secondary, other, mover]
    for ln in lines:
        for _ in range(50):
            when = at(1) + timedelta(minutes=rng.randrange(0, 30 * 24 * 60))
            kind = rng.choice(["voice", "voice", "sms", "data"])
            usage(ln, when, kind=kind, seconds=rng.randrange(0, 3600) if kind == "voice" else 0,
                  kb=rng.randrange(1, 200_000) if kind == "data" else 0, direction=rng.choice(["in", "out", "out"]),
                  roaming=rng.random() < 0.05)
    usage_rate(actor=system, period=MARCH, line_ids=[mover.pk])   # PostgreSQL: the SQL path, whole group
    fields = ("usage_record_id", "fee_type", "plan_id", "units", "included_units", "charged_units", "rate", "charge")
    sql_rows = sorted(RatedRecord.objects.values_list(*fields))
    assert len(sql_rows) == 200
    assert RatedRecord.objects.filter(line=group.primary, included_units__gt=0).exists()
    with transaction.atomic():
        locked = rating.lines_locked([ln.pk for ln in lines])
        segments = rating.plan_segments_for_month(locked, MARCH)
        params = {ln.pk: rules.rating_params(line_id=ln.pk, plan=segments[ln.pk][-1][0], period=MARCH,
                                             live_days=31) for ln in locked}
        _group, memberships = rating_group([mover.pk], MARCH)
        RatedRecord.objects.all().delete()
        from billing.services.sharing import pools_by_day

        rating._rate_python(params, set(params), pools_by_day(memberships), MARCH)
    assert sorted(RatedRecord.objects.values_list(*fields)) == sql_rows
    assert is_postgres()

"""Rating rules (billing/rating_rules.py): allowances in time order, overage, roaming, long distance,
rounding, proration, re-rating that replaces, and the SQL path equal to the Python path."""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from billing import rating_rules as rules
from billing.errors import BillingInputError, MonthBilledError
from billing.models import Bill, LinePlanPeriod, RatedRecord
from billing.services.rating import line_plan_correct, usage_rate, usage_rate_pending
from boss.models import AuditEvent
from boss.months import local_date
from conftest import is_postgres

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
D = Decimal
MARCH = date(2025, 3, 1)


def at(day, hour=10, minute=0):
    return datetime(2025, 3, day, hour, minute, tzinfo=SH)


@pytest.fixture
def line(make_line, plan):
    ln = make_line("13800138000", activated_at=datetime(2024, 1, 1, tzinfo=SH))
    ln.plan = plan
    ln.save(update_fields=["plan"])
    return ln


def rated(record):
    return RatedRecord.objects.get(usage_record=record)


def test_outgoing_calls_use_the_allowance_in_time_order_and_the_crossing_call_is_split(system, line, usage):
    # 100 minutes included: 60 + 39 inside, then a 5-minute call crosses (1 inside, 4 charged), then all charged.
    later = usage(line, at(20), seconds=3 * 60)
    first = usage(line, at(2), seconds=60 * 60)
    second = usage(line, at(5), seconds=39 * 60)
    crossing = usage(line, at(10), seconds=4 * 60 + 1)   # 241 s = 5 minutes (rounded up)
    usage_rate(actor=system, period=MARCH)
    assert (rated(first).included_units, rated(first).charge) == (60, D("0.00"))
    assert (rated(second).included_units, rated(second).charge) == (39, D("0.00"))
    c = rated(crossing)
    assert (c.units, c.included_units, c.charged_units, c.charge, c.rate) == (5, 1, 4, D("0.76"), D("0.1900"))
    assert (rated(later).charged_units, rated(later).charge) == (3, D("0.57"))


@pytest.mark.parametrize("record, fee_type, charge", [
    ({"kind": "voice", "seconds": 61, "direction": "in"}, "voice", "0.00"),                     # domestic incoming free
    ({"kind": "voice", "seconds": 61, "direction": "in", "roaming": True}, "roaming", "5.98"),    # 2 min × 2.99
    ({"kind": "voice", "seconds": 120, "roaming": True, "long_distance": True}, "roaming", "5.98"),  # roaming wins
    ({"kind": "voice", "seconds": 59, "long_distance": True}, "long_distance", "4.60"),           # 1 minute
    ({"kind": "voice", "seconds": 0}, "voice", "0.00"),                                            # unanswered
    ({"kind": "sms", "direction": "in"}, "sms", "0.00"),
    ({"kind": "sms", "roaming": True}, "roaming", "0.10"),
    ({"kind": "data", "kb": 2048, "roaming": True}, "roaming", "0.58"),                          # 2 MB × 0.29
])
def test_each_kind_of_record_is_priced_by_its_rule(system, line, usage, record, fee_type, charge):
    r = usage(line, at(3), **record)
    usage_rate(actor=system, period=MARCH)
    assert (rated(r).fee_type, rated(r).charge, rated(r).included_units) == (fee_type, D(charge), 0)


def test_roaming_and_long_distance_do_not_consume_the_allowance(system, line, usage):
    usage(line, at(1), seconds=600, roaming=True)
    usage(line, at(2), seconds=600, long_distance=True)
    usage(line, at(2), seconds=600, direction="in")
    domestic = usage(line, at(3), seconds=100 * 60)
    usage_rate(actor=system, period=MARCH)
    assert (rated(domestic).included_units, rated(domestic).charge) == (100, D("0.00"))


def test_sms_and_data_allowances_then_overage_per_kb(system, line, usage):
    sms = [usage(line, at(1, minute=i), kind="sms") for i in range(12)]
    data_in = usage(line, at(2), kind="data", kb=1024 * 1024 - 100)   # all but 100 KB of the 1 GB
    data_over = usage(line, at(3), kind="data", kb=1124)               # 100 KB inside, 1024 KB beyond
    usage_rate(actor=system, period=MARCH)
    assert [rated(s).charge for s in sms] == [D("0.00")] * 10 + [D("0.10")] * 2
    assert rated(data_in).charge == D("0.00")
    assert (rated(data_over).included_units, rated(data_over).charge) == (100, D("0.29"))


def test_data_overage_rounds_each_record_half_up_to_the_fen(system, line, usage):
    usage(line, at(1), kind="data", kb=1024 * 1024)            # the whole allowance
    small = usage(line, at(2), kind="data", kb=18)               # 18 × 0.29 / 1024 = 0.0050977 → 0.01
    tiny = usage(line, at(3), kind="data", kb=17)                # 0.0048144 → 0.00
    usage_rate(actor=system, period=MARCH)
    assert (rated(small).charge, rated(tiny).charge) == (D("0.01"), D("0.00"))


def test_a_line_opened_mid_month_gets_a_prorated_allowance(system, make_line, plan, usage):
    ln = make_line("13800138001", activated_at=datetime(2025, 3, 17, 9, tzinfo=SH))   # 15 of 31 days
    ln.plan = plan
    ln.save(update_fields=["plan"])
    r = usage(ln, at(20), seconds=60 * 60)
    usage_rate(actor=system, period=MARCH)
    # floor(100 × 15 / 31) = 48 minutes inside, 12 charged
    assert (rated(r).included_units, rated(r).charge) == (48, D("2.28"))


def test_rerating_replaces_the_earlier_rating_and_never_adds(system, line, usage):
    for day in range(1, 6):
        usage(line, at(day), seconds=30 * 60)
    usage_rate(actor=system, period=MARCH)
    first = {r.pk: r.charge for r in RatedRecord.objects.all()}
    usage_rate(actor=system, period=MARCH)
    usage_rate_pending(actor=system, since=MARCH)
    assert RatedRecord.objects.count() == 5
    assert {r.pk: r.charge for r in RatedRecord.objects.all()} == first


def test_a_late_record_earlier_in_the_month_moves_the_allowance_on_rerating(system, line, usage):
    late_target = usage(line, at(20), seconds=100 * 60)
    usage_rate(actor=system, period=MARCH)
    assert rated(late_target).charge == D("0.00")
    usage(line, at(1), seconds=10 * 60)       # arrives later, happened earlier
    result = usage_rate_pending(actor=system, since=MARCH)
    assert result.line_months == 1
    assert rated(late_target).charged_units == 10 and RatedRecord.objects.count() == 2


def test_plan_correction_rerates_the_month_with_the_new_plan_and_is_audited(system, line, usage, make_staff):
    from catalog.models import Plan

    clerk = make_staff("account_clerk", username="clerk")
    big = Plan.objects.create(code="BIG", name="大套餐", monthly_fee="128.00", voice_minutes=1000,
                              overage_per_minute="0.15", valid_from=date(2020, 1, 1))
    r = usage(line, at(2), seconds=200 * 60)
    usage_rate(actor=system, period=MARCH)
    assert rated(r).charge == D("19.00")   # 100 beyond the allowance × 0.19
    line_plan_correct(actor=clerk, line=line, plan=big, period=MARCH, reason="开户时套餐录错")
    assert RatedRecord.objects.count() == 1
    assert (rated(r).plan_id, rated(r).charge, rated(r).included_units) == (big.pk, D("0.00"), 200)
    event = AuditEvent.objects.get(action="line.plan_correct")
    assert event.before["plan"] == line.plan.code and event.after["plan"] == "BIG"
    # April is still on the line's own plan
    assert LinePlanPeriod.objects.get().until == date(2025, 3, 31)


def test_plan_correction_of_a_billed_month_is_refused_and_changes_nothing(system, line, usage, make_staff):
    from catalog.models import Plan

    clerk = make_staff("account_clerk", username="clerk")
    other = Plan.objects.create(code="OTHER", name="其他", monthly_fee="10.00", valid_from=date(2020, 1, 1))
    r = usage(line, at(2), seconds=200 * 60)
    usage_rate(actor=system, period=MARCH)
    Bill.objects.create(line=line, account=line.account, customer=line.customer, plan=line.plan, period=MARCH,
                        total=D("77.00"))
    with pytest.raises(MonthBilledError) as exc:
        line_plan_correct(actor=clerk, line=line, plan=other, period=MARCH, reason="x")
    assert exc.value.code == "month_billed"
    assert not LinePlanPeriod.objects.exists() and rated(r).plan_id == line.plan_id
    assert not AuditEvent.objects.filter(action="line.plan_correct").exists()


@pytest.mark.parametrize("kwargs, field", [
    ({"reason": "  "}, "reason"),
    ({"period": date(2099, 1, 1)}, "period"),
])
def test_plan_correction_input_is_refused_at_its_field(system, line, make_staff, kwargs, field):
    clerk = make_staff("account_clerk", username="clerk")
    args = {"actor": clerk, "line": line, "plan": line.plan, "period": MARCH, "reason": "r", **kwargs}
    with pytest.raises(BillingInputError) as exc:
        line_plan_correct(**args)
    assert exc.value.field == field and not LinePlanPeriod.objects.exists()


def test_billed_months_are_never_rerated_and_late_records_are_counted(system, line, usage):
    r = usage(line, at(2), seconds=60)
    Bill.objects.create(line=line, account=line.account, customer=line.customer, plan=line.plan, period=MARCH,
                        total=D("58.00"))
    result = usage_rate_pending(actor=system, since=MARCH)
    assert result.late == 1 and not RatedRecord.objects.filter(usage_record=r).exists()


def test_proration_helpers():
    assert rules.prorate_money(D("58.00"), 15, MARCH) == D("28.06")   # 58 × 15 / 31 = 28.064…
    assert rules.prorate_money(D("58.00"), 31, MARCH) == D("58.00")
    assert rules.prorate_units(100, 15, MARCH) == 48
    span = rules.live_range(MARCH, datetime(2025, 3, 17, 9, tzinfo=SH), datetime(2025, 3, 20, 15, tzinfo=SH))
    assert span == (date(2025, 3, 17), date(2025, 3, 19))
    # activated late on the evening of Feb 28 UTC is March 1 in Shanghai
    assert rules.live_range(MARCH, datetime(2025, 2, 28, 17, tzinfo=ZoneInfo("UTC")), None)[0] == date(2025, 3, 1)


@pytest.mark.postgres
def test_the_sql_rating_equals_the_python_rating(system, make_line, plan, usage):
    """The set-based SQL and the row-by-row Python give the same rated records on random usage."""
    from billing.services import rating

    rng = random.Random(42)
    lines = []
    for i in range(6):
        ln = make_line(f"1390013900{i}", activated_at=datetime(2025, 3, 1 + 5 * i, tzinfo=SH) if i else
                       datetime(2024, 1, 1, tzinfo=SH))
        ln.plan = plan
        ln.save(update_fields=["plan"])
        lines.append(ln)
    for ln in lines:
        start = local_date(ln.activated_at) if ln.activated_at > at(1, 0) else date(2025, 3, 1)
        for _ in range(60):
            when = datetime.combine(start, datetime.min.time(), tzinfo=SH) + timedelta(
                minutes=rng.randrange(0, (date(2025, 4, 1) - start).days * 24 * 60))
            kind = rng.choice(["voice", "voice", "sms", "data"])
            usage(ln, when, kind=kind, seconds=rng.randrange(0, 3600) if kind == "voice" else 0,
                  kb=rng.randrange(1, 300_000) if kind == "data" else 0, direction=rng.choice(["in", "out", "out"]),
                  roaming=rng.random() < 0.1, long_distance=rng.random() < 0.15)
    usage_rate(actor=system, period=MARCH)   # PostgreSQL: the SQL path
    fields = ("usage_record_id", "fee_type", "plan_id", "units", "included_units", "charged_units", "rate", "charge")
    sql_rows = sorted(RatedRecord.objects.values_list(*fields))
    assert len(sql_rows) == 360
    from django.db import transaction

    with transaction.atomic():
        locked = rating.lines_locked([ln.pk for ln in lines])
        plans = rating.plans_for_month(locked, MARCH)
        params = {ln.pk: rules.rating_params(line_id=ln.pk, plan=plans[ln.pk], period=MARCH,
                                             live_days=rules.overlap_days(
                                                 rules.live_range(MARCH, ln.activated_at, ln.cancelled_at),
                                                 None, None)) for ln in locked}
        RatedRecord.objects.all().delete()
        rating._rate_python(params, set(params), {}, MARCH)
    assert sorted(RatedRecord.objects.values_list(*fields)) == sql_rows
    assert is_postgres()


def test_an_import_is_rated_through_its_own_records_and_marked(system, line, rep):
    from billing.models import UsageImport
    from billing.services.rating import usage_rate_import, usage_rate_imports
    from billing.services.usage import HEADER, usage_import_lines

    rows = [["I1", line.msisdn, "voice", "out", "2025-03-02T10:00:00+08:00", "6000", "0", "13900139000", "0", "0"],
            ["I2", line.msisdn, "sms", "out", "2025-04-02T10:00:00+08:00", "0", "0", "13900139000", "0", "0"]]
    imp = UsageImport.objects.create(file_name="u.csv", uploaded_by=rep)
    usage_import_lines(usage_import=imp, lines=iter([",".join(HEADER) + "\n"] + [",".join(r) + "\n" for r in rows]))
    result = usage_rate_imports(actor=system)          # the beat's safety net finds the unrated import
    assert (result.line_months, result.records) == (2, 2)
    imp.refresh_from_db()
    assert imp.rated_at is not None
    assert RatedRecord.objects.get(usage_record__record_id="I1").charge == D("0.00")   # 100 minutes inside
    assert usage_rate_imports(actor=system).records == 0
    assert usage_rate_import(actor=system, usage_import=imp).records == 2             # again: same rating
    assert RatedRecord.objects.count() == 2

"""Each tracing criterion alone: a sender above the hourly SMS volume with few recipients, one above the
distinct recipients with a low volume, each just under its threshold not found; and the thresholds of very
short calls (their length and their number a day) and of night calls are tariff parameters, as one-ring's."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from billing.models import UsageRecord
from customers.tests.factories import LineFactory
from partners.models import Suspect
from partners.services.tracing import tracing_run
from partners.usage_patterns import spam_usage

pytestmark = pytest.mark.django_db
DAY = date(2026, 10, 14)
SH = ZoneInfo("Asia/Shanghai")


def _sms(line, *, count: int, recipients: int) -> list[UsageRecord]:
    """`count` SMS within one evening hour, spread over `recipients` numbers."""
    base = datetime(DAY.year, DAY.month, DAY.day, 20, tzinfo=SH)
    return [UsageRecord(record_id=f"T-{line.msisdn}-{i:05d}", line=line, msisdn=line.msisdn, kind="sms",
                        direction="out", started_at=base + timedelta(seconds=i * 3000 // count), duration_seconds=0,
                        other_party=f"1370000{i % recipients:04d}")
            for i in range(count)]


def _found() -> set[tuple[str, str]]:
    return set(Suspect.objects.values_list("msisdn", "rule"))


def test_sms_volume_alone_and_distinct_recipients_alone_each_find_a_sender(hall, set_tariff):
    set_tariff("tracing.sms_per_hour", "200")
    set_tariff("tracing.sms_distinct_per_hour", "100")
    volume, volume_under = LineFactory(hall=hall, msisdn="13900000101"), LineFactory(hall=hall, msisdn="13900000102")
    spread, spread_under = LineFactory(hall=hall, msisdn="13900000103"), LineFactory(hall=hall, msisdn="13900000104")
    UsageRecord.objects.bulk_create([
        *_sms(volume, count=250, recipients=5),          # many SMS, few recipients
        *_sms(volume_under, count=199, recipients=5),    # just under the volume, few recipients
        *_sms(spread, count=120, recipients=120),        # few SMS, each to a new number
        *_sms(spread_under, count=99, recipients=99),    # just under both
    ])
    tracing_run(day=DAY)
    assert _found() == {(volume.msisdn, "sms_bulk"), (spread.msisdn, "sms_bulk")}
    by_volume = Suspect.objects.get(msisdn=volume.msisdn).evidence
    assert (by_volume["peak_sms"], by_volume["peak_recipients"]) == (250, 5)
    by_spread = Suspect.objects.get(msisdn=spread.msisdn).evidence
    assert (by_spread["peak_sms"], by_spread["peak_recipients"]) == (120, 120)


@pytest.fixture
def callers(hall):
    short, night = LineFactory(hall=hall, msisdn="13900000201"), LineFactory(hall=hall, msisdn="13900000202")
    UsageRecord.objects.bulk_create([*spam_usage(short, day=DAY, rule="short_calls", count=150),   # 2..4 s
                                     *spam_usage(night, day=DAY, rule="night_calls", count=90)])
    return short, night


def test_very_short_calls_follow_their_parameters(callers, set_tariff):
    short, _night = callers
    set_tariff("tracing.short_calls_per_day", "150")
    tracing_run(day=DAY)
    assert (short.msisdn, "short_calls") in _found()
    Suspect.objects.all().delete()
    set_tariff("tracing.short_calls_per_day", "151")          # one more than the line made
    tracing_run(day=DAY)
    assert (short.msisdn, "short_calls") not in _found()
    Suspect.objects.all().delete()
    set_tariff("tracing.short_calls_per_day", "100")
    set_tariff("tracing.short_call_seconds", "1")             # its 2 to 4 second calls are no longer very short
    tracing_run(day=DAY)
    assert (short.msisdn, "short_calls") not in _found()


def test_night_calls_follow_their_parameter(callers, set_tariff):
    _short, night = callers
    set_tariff("tracing.night_calls", "90")
    tracing_run(day=DAY)
    assert (night.msisdn, "night_calls") in _found()
    assert Suspect.objects.get(msisdn=night.msisdn, rule="night_calls").evidence["threshold"] == 90
    Suspect.objects.all().delete()
    set_tariff("tracing.night_calls", "91")
    tracing_run(day=DAY)
    assert (night.msisdn, "night_calls") not in _found()

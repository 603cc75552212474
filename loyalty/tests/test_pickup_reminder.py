"""The reminder SMS before a gift ordered online lapses (issue 17): `points.pickup_reminder_hours` before its
last pick-up time, once per order even when the job runs twice, never for an order collected or cancelled,
never earlier than the tariff says."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from boss.models import AuditEvent
from loyalty.models import Redemption
from loyalty.services.redemptions import redemption_order, redemption_order_cancel, redemption_pickup_reminders
from loyalty.tasks import redemption_pickup_reminders_task
from notifications.models import SmsMessage

pytestmark = pytest.mark.django_db
REMINDER = "loyalty.gift_pickup_reminder"


def order(w, gift=None):
    return redemption_order(actor=w.rep2, line=w.line, gift=gift or w.mug, hall=w.hall)


def test_the_reminder_goes_once_the_tariffs_hours_before_the_last_pickup_time(world, set_tariff):
    w = world
    set_tariff("points.pickup_days", "3")
    set_tariff("points.pickup_reminder_hours", "24")
    r = order(w)
    assert redemption_pickup_reminders(actor=w.manager) == 0           # just ordered: three days left
    with time_machine.travel(r.pickup_until - timedelta(hours=24, minutes=1)):
        assert redemption_pickup_reminders(actor=w.manager) == 0       # not too early
    assert not SmsMessage.objects.filter(template=REMINDER).exists()
    with time_machine.travel(r.pickup_until - timedelta(hours=23)):
        assert redemption_pickup_reminders_task() == 1                 # the beat job
        assert redemption_pickup_reminders_task() == 0                 # run again: nothing more
        assert redemption_pickup_reminders(actor=w.manager) == 0
    sms = SmsMessage.objects.get(template=REMINDER)
    day = timezone.localtime(r.pickup_until)
    assert sms.msisdn == w.line.msisdn and sms.hall == w.hall and sms.key == f"loyalty.gift-reminder:{r.pk}"
    assert sms.body == (f"提醒：您预约的积分礼品保温杯（订单 {r.number}）在{w.hall.name}为您预留至 "
                        f"{day:%Y-%m-%d %H:%M}。请携带身份证件按时领取；逾期订单自动取消，积分退回。")
    r.refresh_from_db()
    assert r.pickup_reminded_at is not None and r.state == Redemption.State.ORDERED
    assert AuditEvent.objects.filter(action="redemption.pickup_reminder", target_id=str(r.pk)).count() == 1


def test_no_reminder_for_an_order_cancelled_collected_or_lapsed(world, set_tariff):
    w = world
    set_tariff("points.pickup_days", "1")
    cancelled = order(w)
    redemption_order_cancel(actor=w.rep2, redemption=cancelled, reason="客户取消")
    collected, lapsed = order(w, gift=w.speaker), order(w)
    Redemption.objects.filter(pk=collected.pk).update(state=Redemption.State.CONFIRMED)   # handed over at the hall
    Redemption.objects.filter(pk=lapsed.pk).update(pickup_until=timezone.now() - timedelta(minutes=1))
    assert redemption_pickup_reminders(actor=w.manager) == 0
    assert not SmsMessage.objects.filter(template=REMINDER).exists()


def test_no_reminder_when_the_tariff_is_off(world, set_tariff):
    w = world
    set_tariff("points.pickup_days", "1")
    set_tariff("points.pickup_reminder_hours", "0")
    order(w)
    assert redemption_pickup_reminders(actor=w.manager) == 0
    assert not SmsMessage.objects.filter(template=REMINDER).exists()

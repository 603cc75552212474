"""The SMS outbox: written in the business transaction, sent after commit, once per key, retried, with a
delivery status; no number or text in the logs."""

import logging

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from notifications.errors import NotificationNumberError
from notifications.models import SimulatedSms, SimulatedSmsCall, SmsMessage
from notifications.services import (
    notification_delivery_report,
    notification_queue,
    notifications_claim,
    notifications_run,
    notifications_sweep,
)
from notifications.texts import sms_template_get

pytestmark = pytest.mark.django_db

NUMBER = "13912345678"


def _queue(key="test:1", msisdn=NUMBER, **kw):
    return notification_queue(template="notifications.test", msisdn=msisdn, params={"hall": "甲营业厅"}, key=key, **kw)


def test_the_text_is_rendered_in_chinese_whatever_the_screen_language():
    with translation.override("en"):
        msg = _queue()
    assert msg.body == "这是甲营业厅发送的测试短信，无需回复。"
    assert msg.state == SmsMessage.State.QUEUED


def test_a_missing_placeholder_or_unknown_template_is_a_programming_error():
    with pytest.raises(ValueError):
        notification_queue(template="notifications.test", msisdn=NUMBER, params={}, key="k")
    with pytest.raises(LookupError):
        notification_queue(template="nope.nothing", msisdn=NUMBER, params={}, key="k")
    assert not SmsMessage.objects.exists()
    assert sms_template_get("notifications.test").placeholders == {"hall"}


def test_a_bad_number_is_refused_and_nothing_is_queued():
    with pytest.raises(NotificationNumberError) as exc:
        _queue(msisdn="0571-888")
    assert exc.value.code == "notification_number" and exc.value.status == 400
    assert str(exc.value.message) == "短信只能发送到 11 位手机号码。"
    assert not SmsMessage.objects.exists()


def test_the_message_exists_only_if_the_business_change_commits():
    with pytest.raises(RuntimeError), transaction.atomic():
        _queue()
        raise RuntimeError("the business service was refused after queuing")
    assert not SmsMessage.objects.exists()


def test_the_same_key_twice_is_one_message_sent_once(sms_gateway):
    first = _queue()
    again = _queue()
    assert first.pk == again.pk and SmsMessage.objects.count() == 1
    assert notifications_run() == 1
    _queue()   # queued again after sending: still the one message, not sent again
    assert notifications_run() == 0
    assert SimulatedSms.objects.count() == 1
    first.refresh_from_db()
    assert first.state == SmsMessage.State.DELIVERED and first.gateway_id.startswith("SIM")


def test_a_key_used_for_another_message_is_refused():
    _queue()
    with pytest.raises(ValueError):
        _queue(msisdn="13912340000")


def test_refused_sends_are_retried_with_backoff_then_fail(sms_gateway, settings):
    settings.BOSS_SMS_MAX_ATTEMPTS = 2
    sms_gateway.configure(failure_rate=1.0)
    msg = _queue()
    notifications_run()
    msg.refresh_from_db()
    assert msg.state == SmsMessage.State.QUEUED and msg.attempts == 1 and msg.run_after > msg.created_at
    SmsMessage.objects.filter(pk=msg.pk).update(run_after=msg.created_at)
    notifications_run()
    msg.refresh_from_db()
    assert msg.state == SmsMessage.State.FAILED and msg.attempts == 2
    assert not SimulatedSms.objects.exists()
    assert SimulatedSmsCall.objects.filter(outcome="refused").count() == 2


def test_a_lost_reply_is_retried_and_the_gateway_sends_once(sms_gateway):
    sms_gateway.configure(lost_reply_rate=1.0)
    msg = _queue()
    notifications_run()
    msg.refresh_from_db()
    assert msg.state == SmsMessage.State.QUEUED
    sms_gateway.configure()
    SmsMessage.objects.filter(pk=msg.pk).update(run_after=msg.created_at)
    notifications_run()
    msg.refresh_from_db()
    assert msg.state == SmsMessage.State.DELIVERED
    assert SimulatedSms.objects.count() == 1
    assert list(SimulatedSmsCall.objects.order_by("id").values_list("outcome", flat=True)) == ["sent", "already_sent"]


class _NonIdempotentSender:
    """A sender that cannot recognise a repeated key (like an SMS centre over SMPP) and loses its answer."""

    idempotent = False
    calls = 0

    def send(self, *, key, msisdn, text):
        from notifications.backends import SmsUncertainError

        type(self).calls += 1
        raise SmsUncertainError("no submit_sm_resp")


def test_an_unconfirmed_send_through_a_non_idempotent_sender_is_never_repeated(settings):
    from notifications.backends import get_sender

    settings.BOSS_SMS_BACKEND = f"{__name__}._NonIdempotentSender"
    settings.BOSS_SMS_BACKEND_OPTIONS = {}
    get_sender.cache_clear()
    _NonIdempotentSender.calls = 0
    try:
        msg = _queue()
        notifications_run()
        notifications_run()
    finally:
        get_sender.cache_clear()
    msg.refresh_from_db()
    assert msg.state == SmsMessage.State.FAILED and "not sent again" in msg.last_error
    assert _NonIdempotentSender.calls == 1


def test_a_dead_workers_message_goes_back_to_the_queue_and_is_sent_once(sms_gateway):
    from datetime import timedelta

    from django.utils import timezone

    msg = _queue()
    [claimed] = notifications_claim(worker="dead")
    # the dead worker had handed the text to the gateway before it died
    sms_gateway.configure().send(key=claimed.key, msisdn=claimed.msisdn, text=claimed.body)
    assert notifications_sweep() == 0   # the lease is still running
    assert notifications_sweep(now=timezone.now() + timedelta(hours=1)) == 1
    notifications_run()
    msg.refresh_from_db()
    assert msg.state == SmsMessage.State.DELIVERED and msg.attempts == 2
    assert SimulatedSms.objects.count() == 1


def test_delivery_reports_set_the_status_once():
    msg = _queue()
    SmsMessage.objects.filter(pk=msg.pk).update(state="sent", gateway_id="G1")
    assert notification_delivery_report(gateway_id="G1", delivered=False, error="absent subscriber").state \
        == SmsMessage.State.UNDELIVERED
    assert notification_delivery_report(gateway_id="G1", delivered=True) is None   # already final
    assert notification_delivery_report(gateway_id="unknown", delivered=True) is None


def test_no_number_or_text_in_the_logs(sms_gateway, caplog):
    caplog.set_level(logging.DEBUG)
    _queue()
    notifications_run()
    sms_gateway.configure(failure_rate=1.0)
    _queue(key="test:2")
    notifications_run()
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "sent" in logged
    assert NUMBER not in logged and "甲营业厅" not in logged


def test_the_smpp_sender_reports_an_unreachable_centre_as_refused():
    from notifications.backends import SmppSmsGateway, SmsRefusedError

    sender = SmppSmsGateway(host="127.0.0.1", port=1, system_id="boss", password="x", source_addr="10086",
                            timeout=2)
    assert sender.idempotent is False
    with pytest.raises(SmsRefusedError):
        sender.send(key="k", msisdn=NUMBER, text="测试")


def test_screens_mask_the_number_and_answer_to_their_permission(client, make_staff, sms_gateway,
                                                                django_assert_max_num_queries):
    for i in range(5):
        _queue(key=f"test:{i}", msisdn=f"1391234{i:04d}")
    notifications_run()
    client.force_login(make_staff("sales_rep"))
    assert client.get(reverse("notifications:message_list")).status_code == 403
    client.force_login(make_staff("manager"))
    with django_assert_max_num_queries(14):
        page = client.get(reverse("notifications:message_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "139****0003" in html and "13912340003" not in html and "已送达" in html
    page = client.get(reverse("notifications:simulated_list"))
    assert page.status_code == 200 and "这是甲营业厅发送的测试短信" in page.content.decode()


# ---- secrets (a one-time code) are not kept readable once the message is out -------------------------------

@pytest.fixture
def secret_template(monkeypatch):
    from notifications.texts import SmsTemplate, sms_templates

    template = SmsTemplate("notifications.secret_test", "secret test", "Your code is %(code)s (%(minutes)s min).",
                           secret=("code",))
    monkeypatch.setitem(sms_templates(), template.code, template)
    return template


def _queue_secret(key="secret:1"):
    return notification_queue(template="notifications.secret_test", msisdn=NUMBER,
                              params={"code": "735190", "minutes": 5}, key=key)


def test_a_secret_is_sent_in_clear_and_then_kept_only_masked(sms_gateway, secret_template):
    msg = _queue_secret()
    assert msg.body == "Your code is 735190 (5 min)."          # the worker needs it to send
    assert msg.redacted_body == "Your code is ****** (5 min)."
    assert notifications_run() == 1
    assert SimulatedSms.objects.get(key=msg.key).body == "Your code is 735190 (5 min)."   # the phone has it
    msg.refresh_from_db()
    assert msg.state == SmsMessage.State.DELIVERED
    assert msg.body == "Your code is ****** (5 min)." and msg.redacted_body == ""
    assert not SmsMessage.objects.filter(body__contains="735190").exists()
    assert not SmsMessage.objects.filter(redacted_body__contains="735190").exists()


def test_a_secret_that_could_not_be_sent_is_masked_when_it_fails(sms_gateway, secret_template, settings):
    settings.BOSS_SMS_MAX_ATTEMPTS = 1
    sms_gateway.configure(failure_rate=1.0)
    msg = _queue_secret()
    notifications_run()
    msg.refresh_from_db()
    assert msg.state == SmsMessage.State.FAILED
    assert "735190" not in msg.body and "******" in msg.body


def test_a_secret_whose_worker_died_is_masked_when_the_sweep_fails_it(secret_template, settings):
    from datetime import timedelta

    from django.utils import timezone

    from notifications.backends import get_sender

    settings.BOSS_SMS_BACKEND, settings.BOSS_SMS_BACKEND_OPTIONS = f"{__name__}._NonIdempotentSender", {}
    get_sender.cache_clear()
    try:
        msg = _queue_secret()
        notifications_claim(worker="dead")
        assert notifications_sweep(now=timezone.now() + timedelta(hours=1)) == 1
    finally:
        get_sender.cache_clear()
    msg.refresh_from_db()
    assert msg.state == SmsMessage.State.FAILED and "735190" not in msg.body


def test_a_text_without_secrets_is_kept_as_sent(sms_gateway):
    msg = _queue()
    assert msg.redacted_body == ""
    notifications_run()
    msg.refresh_from_db()
    assert msg.body == "这是甲营业厅发送的测试短信，无需回复。"

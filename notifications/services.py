"""The SMS notification channel's service API (see README.md).

- `notification_queue(...)` — call it inside the business service's transaction: the message exists if and
  only if the business change committed; after commit a worker is nudged. The key makes it idempotent.
- `notifications_run()` — the Celery task's body: sweep expired leases, claim queued messages with SKIP LOCKED,
  send each outside any lock, record the outcome; retries with back-off; at most once per key.
- `notification_delivery_report(...)` — a delivery receipt from the gateway.
No log line carries a number or a text: messages are named by their id.
"""

import logging
import os
import re
import socket
from datetime import timedelta

import django_fsm as fsm
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from boss.locks import lock, lock_by_key
from boss.outbox import backoff, nudge
from notifications.backends import SmsRefusedError, SmsUncertainError, get_sender
from notifications.errors import NotificationNumberError
from notifications.models import SmsMessage
from notifications.texts import sms_template_get

log = logging.getLogger(__name__)
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"
_MSISDN = re.compile(r"1[3-9]\d{9}")


def notification_number_ok(msisdn: str) -> bool:
    """Whether a text message can go to this number (an 11-digit mainland mobile number): for a caller that
    holds a contact number that may be a landline and sends only when it can."""
    return bool(_MSISDN.fullmatch((msisdn or "").strip()))


def notification_queue(*, template: str, msisdn: str, params: dict, key: str, hall=None,
                       reference: str = "") -> SmsMessage:
    """Queue one text message to `msisdn` from the SMS template `template` (a code of some app's
    sms_templates.py) with its placeholders filled from `params`, in the CALLER's transaction.

    `key` names the business event ("groups.vpmn-join:42:13800138000"): queuing the same key again returns
    the first message and sends nothing more. Not a service of its own (no audit): the caller audits.

    Raises NotificationNumberError (not a mobile number); LookupError / ValueError for an unknown template or
    missing placeholders (programming errors).
    """
    if not _MSISDN.fullmatch(msisdn or ""):
        raise NotificationNumberError()
    if not key or len(key) > 120:
        raise ValueError("a notification needs a key of at most 120 characters")
    sms_template = sms_template_get(template)
    body, redacted = sms_template.render(params), sms_template.render_redacted(params)
    # INSERT ... ON CONFLICT DO NOTHING: a repeated key neither raises nor breaks the caller's transaction.
    SmsMessage.objects.bulk_create(
        [SmsMessage(key=key, template=template, msisdn=msisdn, body=body, redacted_body=redacted, hall=hall,
                    reference=reference[:60],
                    max_attempts=settings.BOSS_SMS_MAX_ATTEMPTS)],
        ignore_conflicts=True)
    message = SmsMessage.objects.get(key=key)
    if message.msisdn != msisdn or message.template != template:
        raise ValueError(f"notification key {key} was used for another message")
    transaction.on_commit(_nudge)
    return message


def _nudge():
    from notifications.tasks import notifications_dispatch

    nudge(notifications_dispatch)


def notifications_claim(*, limit: int = 20, worker: str = WORKER_ID) -> list[SmsMessage]:
    """Claim up to `limit` queued messages (SKIP LOCKED: workers never wait on each other) with a lease."""
    now = timezone.now()
    with transaction.atomic():
        queued = SmsMessage.objects.filter(state=SmsMessage.State.QUEUED, run_after__lte=now).order_by("id")
        rows = list(lock(queued, skip_locked=True)[:limit])
        lease = now + timedelta(seconds=settings.BOSS_SMS_LEASE_SECONDS)
        for msg in rows:
            msg.claim(worker=worker, lease_until=lease)
        SmsMessage.objects.bulk_update(rows, ["state", "lease_until", "claimed_by", "attempts"])
        for msg in rows:
            msg._update_initial_state()
    return rows


def notification_send(*, message: SmsMessage, worker: str = WORKER_ID) -> SmsMessage:
    """Hand one claimed message to the sender (no lock held), then record the outcome."""
    sender = get_sender()
    try:
        result = sender.send(key=message.key, msisdn=message.msisdn, text=message.body)
    except SmsRefusedError as exc:
        return _attempt_failed(message=message, error=str(exc), worker=worker, may_retry=True)
    except SmsUncertainError as exc:
        return _attempt_failed(message=message, error=str(exc), worker=worker, may_retry=sender.idempotent)
    return _sent(message=message, gateway_id=result.gateway_id, delivered=result.delivered)


@transaction.atomic
def _sent(*, message: SmsMessage, gateway_id: str, delivered: bool | None) -> SmsMessage:
    msg = lock_by_key(SmsMessage, message.pk)
    if not fsm.can_proceed(msg.mark_sent):
        return msg   # another worker recorded it after our lease expired
    now = timezone.now()
    msg.mark_sent(gateway_id=gateway_id, when=now)
    if delivered is True:
        msg.delivered(when=now)
    elif delivered is False:
        msg.undelivered(when=now)
    msg.save(update_fields=["state", "gateway_id", "sent_at", "lease_until", "last_error", "delivered_at", "body",
                            "redacted_body"])
    log.info("SMS %s sent (attempt %s)", msg.pk, msg.attempts)
    return msg


@transaction.atomic
def _attempt_failed(*, message: SmsMessage, error: str, worker: str, may_retry: bool) -> SmsMessage:
    msg = lock_by_key(SmsMessage, message.pk)
    if msg.state != SmsMessage.State.SENDING or msg.claimed_by != worker:
        return msg   # the lease was swept and someone else has it now
    if may_retry and msg.attempts < msg.max_attempts:
        msg.requeue(error=error, run_after=timezone.now() + backoff(msg.attempts))
    else:
        msg.fail(error=error if may_retry else f"{error}; not sent again (the gateway cannot tell a repeat)")
        log.warning("SMS %s failed after %s attempts", msg.pk, msg.attempts)
    msg.save(update_fields=["state", "last_error", "lease_until", "claimed_by", "run_after", "body",
                            "redacted_body"])
    return msg


def notifications_sweep(*, now=None) -> int:
    """Messages whose worker died mid-send (lease expired): back in the queue when the sender recognises a
    repeated key, else failed (it may have gone out; never twice). Safe to run any number of times."""
    now = now or timezone.now()
    resend = get_sender().idempotent
    with transaction.atomic():
        expired = SmsMessage.objects.filter(state=SmsMessage.State.SENDING, lease_until__lt=now).order_by("id")
        rows = list(lock(expired, skip_locked=True))
        for msg in rows:
            if resend and msg.attempts < msg.max_attempts:
                msg.requeue(error=msg.last_error or "lease expired")
            else:
                msg.fail(error="the worker stopped during the send; not sent again")
        SmsMessage.objects.bulk_update(rows, ["state", "lease_until", "claimed_by", "last_error", "body",
                                              "redacted_body"])
    return len(rows)


def notifications_run(*, limit: int = 20, max_batches: int = 50) -> int:
    """Sweep, then claim and send batches until the queue is empty (the Celery task's body). A batch short of
    `limit` found the queue empty: a message committed after its claim nudged a run of its own."""
    notifications_sweep()
    done = 0
    for _ in range(max_batches):
        batch = notifications_claim(limit=limit)
        for msg in batch:
            notification_send(message=msg)
            done += 1
        if len(batch) < limit:
            break
    return done


@transaction.atomic
def notification_delivery_report(*, gateway_id: str, delivered: bool, error: str = "") -> SmsMessage | None:
    """Record a delivery receipt (DLR) for a sent message; an unknown or repeated receipt changes nothing. A
    long message went out in parts (its gateway id is the parts' ids, comma-separated): the receipt of any
    part names it; the first final receipt decides (a part not delivered: the message is not)."""
    from django.db.models import Q

    if not gateway_id or "," in gateway_id:
        return None
    named = (Q(gateway_id=gateway_id) | Q(gateway_id__startswith=f"{gateway_id},")
             | Q(gateway_id__endswith=f",{gateway_id}") | Q(gateway_id__contains=f",{gateway_id},"))
    msg = lock(SmsMessage.objects.filter(named, state=SmsMessage.State.SENT)).first()
    if msg is None:
        return None
    if delivered:
        msg.delivered(when=timezone.now())
    else:
        msg.undelivered(when=timezone.now(), error=error)
    msg.save(update_fields=["state", "delivered_at", "last_error"])
    return msg


def notifications_receive_receipts(*, seconds: float) -> int:
    """The delivery receipts of the real SMS centre (the beat job, each run listening `seconds`): every final
    receipt moves its sent message to delivered or undelivered, each in its own transaction. A sender without
    receipts (the simulated gateway reports delivery at once) has nothing to listen to. Returns how many
    messages changed. The SMS centre unreachable: nothing recorded, the next run tries again."""
    sender = get_sender()
    listen = getattr(sender, "receive_receipts", None)
    if listen is None:
        return 0
    changed = 0

    def record(receipt) -> None:
        nonlocal changed
        with transaction.atomic():
            if notification_delivery_report(gateway_id=receipt.gateway_id, delivered=receipt.delivered,
                                            error=receipt.error) is not None:
                changed += 1

    try:
        listen(seconds=seconds, on_receipt=record)
    except SmsRefusedError as exc:
        log.warning("delivery receipts: %s", exc)
    return changed

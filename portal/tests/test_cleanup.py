"""The portal's housekeeping job: expired SMS codes, failures past the lockout window, dead API tokens and
expired sessions are deleted; what still counts is kept; running it twice deletes nothing more."""

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from boss.celery import app
from customers.tests.factories import LineFactory
from portal.models import CustomerToken, SignInCode, SignInFailure
from portal.services.cleanup import portal_records_prune
from portal.services.signin import _subjects, signin_lockout
from portal.tasks import portal_records_prune_task


def _session(expire_in: timedelta) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["portal.customer"] = 1
    store.set_expiry(int(expire_in.total_seconds()) if expire_in.total_seconds() > 0 else 1)
    store.create()
    if expire_in.total_seconds() <= 0:
        Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() + expire_in)
    return store.session_key


def test_dead_records_go_and_live_ones_stay_and_a_second_run_deletes_nothing(db, set_tariff):
    now = timezone.now()
    line = LineFactory()
    expired = SignInCode.objects.create(line=line, code_hash="a" * 64, expires_at=now - timedelta(minutes=1))
    used = SignInCode.objects.create(line=line, code_hash="b" * 64, expires_at=now - timedelta(seconds=1),
                                     used_at=now - timedelta(minutes=4))
    live = SignInCode.objects.create(line=line, code_hash="c" * 64, expires_at=now + timedelta(minutes=4))

    number = _subjects(msisdn=line.msisdn, client_ip=None)[0][1]
    old = SignInFailure.objects.create(subject_kind="number", subject=number)
    SignInFailure.objects.filter(pk=old.pk).update(failed_at=now - timedelta(days=2))
    recent = [SignInFailure.objects.create(subject_kind="number", subject=number) for _ in range(5)]
    # older than the 15-minute window but younger than the day kept at least: kept
    kept = SignInFailure.objects.create(subject_kind="card", subject="x" * 64)
    SignInFailure.objects.filter(pk=kept.pk).update(failed_at=now - timedelta(hours=3))

    def token(n, **fields):
        record = CustomerToken.objects.create(key_hash=f"{n:064d}", customer=line.customer, line=line,
                                              last_used_at=now)
        CustomerToken.objects.filter(pk=record.pk).update(**fields)
        return record

    revoked = token(1, revoked_at=now)
    idle = token(2, last_used_at=now - timedelta(minutes=11))
    too_old = token(3, created_at=now - timedelta(hours=3))
    alive = token(4)

    gone_session, live_session = _session(timedelta(minutes=-1)), _session(timedelta(minutes=10))

    pruned = portal_records_prune()
    assert (pruned.codes, pruned.failures, pruned.tokens) == (2, 1, 3)
    assert list(SignInCode.objects.values_list("pk", flat=True)) == [live.pk]
    assert not SignInCode.objects.filter(pk__in=[expired.pk, used.pk]).exists()
    assert set(SignInFailure.objects.values_list("pk", flat=True)) == {kept.pk, *(f.pk for f in recent)}
    assert list(CustomerToken.objects.values_list("pk", flat=True)) == [alive.pk]
    assert not CustomerToken.objects.filter(pk__in=[revoked.pk, idle.pk, too_old.pk]).exists()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live_session] != [gone_session]
    # the number's lockout still stands: the failures that count were kept
    assert signin_lockout(msisdn=line.msisdn, client_ip=None) is not None

    again = portal_records_prune_task()
    assert again == {"codes": 0, "failures": 0, "tokens": 0}
    assert SignInCode.objects.count() == 1 and SignInFailure.objects.count() == 6 and CustomerToken.objects.count() == 1


def test_a_longer_lockout_tariff_keeps_the_failures_it_counts(db, set_tariff):
    set_tariff("portal.lockout_minutes", "4320")   # three days
    failure = SignInFailure.objects.create(subject_kind="address", subject="y" * 64)
    SignInFailure.objects.filter(pk=failure.pk).update(failed_at=timezone.now() - timedelta(days=2))
    assert portal_records_prune().failures == 0
    assert SignInFailure.objects.filter(pk=failure.pk).exists()


def test_the_job_is_on_the_beat_schedule():
    entry = app.conf.beat_schedule["portal-records-prune"]
    assert entry["task"] == portal_records_prune_task.name == "portal.tasks.portal_records_prune"

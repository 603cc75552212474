import threading

import pytest
from django.db import connection

from boss.errors import IdempotencyKeyMissingError, IdempotencyKeyReusedError
from boss.idempotency import idempotency_keys_prune, idempotent, new_key
from boss.models import AuditEvent, IdempotencyKey


def _run_audit(actor, label="x"):
    def run():
        event = AuditEvent.objects.create(actor=actor, action=f"test.{label}")
        return 201, {"event": event.pk}
    return run


@pytest.mark.django_db
def test_a_repeat_returns_the_first_result_and_does_nothing_more(rep):
    key = new_key()
    first = idempotent(actor=rep, key=key, scope="test", params={"a": 1}, run=_run_audit(rep))
    second = idempotent(actor=rep, key=key, scope="test", params={"a": 1}, run=_run_audit(rep))
    assert not first.replayed and second.replayed
    assert (second.status_code, second.body) == (first.status_code, first.body)
    assert AuditEvent.objects.filter(action="test.x").count() == 1


@pytest.mark.django_db
def test_the_same_key_with_other_parameters_is_refused_and_writes_nothing(rep):
    key = new_key()
    idempotent(actor=rep, key=key, scope="test", params={"a": 1}, run=_run_audit(rep))
    with pytest.raises(IdempotencyKeyReusedError) as exc:
        idempotent(actor=rep, key=key, scope="test", params={"a": 2}, run=_run_audit(rep, "y"))
    assert exc.value.code == "idempotency_key_reused" and exc.value.status == 409
    assert not AuditEvent.objects.filter(action="test.y").exists()


@pytest.mark.django_db
def test_a_refused_request_stores_no_key_so_it_can_be_retried(rep):
    key = new_key()

    def refuse():
        AuditEvent.objects.create(actor=rep, action="test.partial")
        raise IdempotencyKeyMissingError()  # any domain error

    with pytest.raises(IdempotencyKeyMissingError):
        idempotent(actor=rep, key=key, scope="test", params={}, run=refuse)
    assert not IdempotencyKey.objects.filter(key=key).exists()
    assert not AuditEvent.objects.filter(action="test.partial").exists()
    assert not idempotent(actor=rep, key=key, scope="test", params={}, run=_run_audit(rep)).replayed


@pytest.mark.django_db
def test_a_missing_key_is_refused(rep):
    with pytest.raises(IdempotencyKeyMissingError):
        idempotent(actor=rep, key="", scope="test", params={}, run=_run_audit(rep))


@pytest.mark.django_db
def test_keys_are_kept_seven_days(rep):
    from datetime import timedelta

    from django.utils import timezone

    idempotent(actor=rep, key=new_key(), scope="test", params={}, run=_run_audit(rep))
    assert idempotency_keys_prune(now=timezone.now() + timedelta(days=6)) == 0
    assert idempotency_keys_prune(now=timezone.now() + timedelta(days=8)) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_run_once(rep):
    key, results, errors = new_key(), [], []
    barrier = threading.Barrier(8)

    def worker():
        try:
            barrier.wait()
            results.append(idempotent(actor=rep, key=key, scope="test", params={"a": 1}, run=_run_audit(rep)))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditEvent.objects.filter(action="test.x").count() == 1
    assert sum(1 for r in results if not r.replayed) == 1
    assert len({r.body["event"] for r in results}) == 1

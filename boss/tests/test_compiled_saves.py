"""New rows inserted, and stored rows updated by key, through statements compiled once per process (boss/prepared.py's
`insert_compiled` and `update_compiled`): the same rows as the ORM's general path writes, with Model.save()'s signals,
keys and state and django-fsm's check of the state, and the general path wherever the compiled one cannot serve."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.db.models.signals import post_save
from django.db.models.sql.compiler import SQLInsertCompiler, SQLUpdateCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_fsm import ConcurrentTransition, ConcurrentTransitionMixin

import boss.models
from boss import prepared
from boss.models import AuditEvent, Hall, IdempotencyKey
from boss.tests.factories import HallFactory, StaffFactory
from inventory.models import NumberResource

pytestmark = pytest.mark.django_db


def _counted(monkeypatch, compiler_class) -> list:
    """The models of the statements the ORM's compiler of this kind built."""
    calls = []
    original = compiler_class.as_sql

    def counted(self, *args, **kwargs):
        calls.append(self.query.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(compiler_class, "as_sql", counted)
    return calls


@pytest.fixture
def compiles(monkeypatch):
    """The INSERT statements the ORM compiled."""
    return _counted(monkeypatch, SQLInsertCompiler)


def _event(staff, **changes):
    values = {"actor": staff, "hall_id": staff.hall_id, "action": "order.pay", "target_type": "orders.order",
              "target_id": "42", "target_repr": "开户 13912345678", "before": {}, "after": {"paid": "50.00"},
              "reason": "到柜台缴费", **changes}
    return AuditEvent.objects.create(**values)


def _row(event) -> dict:
    row = AuditEvent.objects.filter(pk=event.pk).values().get()
    row.pop("id")
    return row


def test_the_compiled_insert_writes_the_row_the_orm_writes(monkeypatch, compiles):
    staff = StaffFactory()
    prepared._INSERTS.clear()
    compiles.clear()
    first, second = _event(staff), _event(staff)
    assert compiles == [AuditEvent]   # compiled at the first row, not again
    monkeypatch.setattr(boss.models, "insert_compiled", lambda *args: None)   # the ORM's general path
    general = _event(staff)
    assert compiles == [AuditEvent, AuditEvent]
    for event in (first, second):
        row, expected = _row(event), _row(general)
        assert row.pop("occurred_at") <= expected.pop("occurred_at")
        assert row == expected
        assert event.pk is not None and not event._state.adding and event._state.db == "default"
    assert first.pk < second.pk < general.pk


def test_the_creation_time_on_the_instance_is_the_one_written(compiles):
    staff = StaffFactory()
    prepared._INSERTS.clear()   # the first row of the process compiles the statement: no second creation time
    compiles.clear()
    for n in range(2):
        key = IdempotencyKey.objects.create(actor=staff, key=f"k{n}", scope="payment", request_hash="h" * 64,
                                            response={"金额": "50.00"})
        stored = IdempotencyKey.objects.get(pk=key.pk)
        assert (stored.created_at, stored.response, stored.status_code) == (key.created_at, {"金额": "50.00"}, 200)
    assert compiles == [IdempotencyKey]


def test_one_statement_a_row():
    staff = StaffFactory()
    _event(staff)
    with CaptureQueriesContext(connection) as queries:
        _event(staff)
    assert len(queries) == 1 and queries[0]["sql"].startswith(("INSERT", "EXECUTE"))


def test_an_expression_goes_through_the_orm(compiles):
    staff = StaffFactory()
    _event(staff)
    compiles.clear()
    event = _event(staff, target_repr=Value("按表达式写入"))
    assert AuditEvent.objects.get(pk=event.pk).target_repr == "按表达式写入"
    assert compiles == [AuditEvent]   # the general path compiled it
    assert _event(staff).target_repr == "开户 13912345678"   # and the next plain row is compiled as before
    assert compiles == [AuditEvent]


def test_the_save_signals_are_sent():
    staff = StaffFactory()
    seen = []

    def receiver(sender, instance, created, **kwargs):
        seen.append((instance.pk, created))

    post_save.connect(receiver, sender=AuditEvent)
    try:
        event = _event(staff)
    finally:
        post_save.disconnect(receiver, sender=AuditEvent)
    assert seen == [(event.pk, True)]


def test_a_refused_row_writes_nothing_and_marks_the_transaction():
    staff = StaffFactory()
    IdempotencyKey.objects.create(actor=staff, key="same", scope="payment", request_hash="h" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        IdempotencyKey.objects.create(actor=staff, key="same", scope="refund", request_hash="g" * 64)
    assert list(IdempotencyKey.objects.filter(actor=staff).values_list("scope", flat=True)) == ["payment"]


# --------------------------------------------------------------------------------------------------
# Updates by key (boss/prepared.py's `update_compiled`)
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def update_compiles(monkeypatch):
    """The UPDATE statements the ORM compiled."""
    return _counted(monkeypatch, SQLUpdateCompiler)


def _stored(number) -> tuple:
    return NumberResource.objects.filter(pk=number.pk).values_list("status", "reserved_until", "updated_at").get()


def test_a_state_change_is_saved_through_the_compiled_update(number, update_compiles):
    until = timezone.now() + timedelta(minutes=30)
    prepared._UPDATES.clear()
    number.reserve(until=until)
    number.save(update_fields=["status", "reserved_until", "updated_at"])
    assert _stored(number) == ("reserved", until, number.updated_at)
    number.release()   # reserved_until = NULL: a statement of its own
    number.save(update_fields=["status", "reserved_until", "updated_at"])
    assert _stored(number) == ("free", None, number.updated_at)
    number.reserve(until=until + timedelta(minutes=5))
    with CaptureQueriesContext(connection) as queries:
        number.save(update_fields=["status", "reserved_until", "updated_at"])
    assert _stored(number) == ("reserved", until + timedelta(minutes=5), number.updated_at)
    assert len(queries) == 1 and queries[0]["sql"].startswith(("UPDATE", "EXECUTE"))
    assert update_compiles == [NumberResource, NumberResource]   # once per statement, the NULL one apart


def test_a_json_column_is_saved_through_the_compiled_update(update_compiles):
    """An idempotency key's answer, stored after its work: a JSON value, compared with the ORM's by what it holds."""
    staff = StaffFactory()
    prepared._UPDATES.clear()
    update_compiles.clear()
    for n in range(3):
        key = IdempotencyKey.objects.create(actor=staff, key=f"k{n}", scope="payment", request_hash="h" * 64)
        key.status_code, key.response = 201, {"收据": f"SK{n}", "金额": "50.00"}
        key.save(update_fields=["status_code", "response"])
        assert IdempotencyKey.objects.filter(pk=key.pk).values_list("status_code", "response").get() == (
            201, {"收据": f"SK{n}", "金额": "50.00"})
    assert update_compiles == [IdempotencyKey]   # compiled once, at the first key: the next ones went compiled


def test_the_state_check_holds_on_the_compiled_update(number):
    number.reserve(until=timezone.now() + timedelta(minutes=30))
    number.save(update_fields=["status", "reserved_until", "updated_at"])
    stale = NumberResource.objects.get(pk=number.pk)   # read as reserved
    number.release()
    number.save(update_fields=["status", "reserved_until", "updated_at"])   # another counter released it
    before = _stored(number)
    stale.assign(when=timezone.now())
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        stale.save(update_fields=["status", "assigned_at", "updated_at"])
    assert _stored(number) == before   # nothing written


def test_an_expression_in_an_update_goes_through_the_orm(update_compiles):
    hall = HallFactory(name="中山路")
    hall.name = Concat(Value("广州"), F("name"))
    hall.save(update_fields=["name"])
    hall.refresh_from_db()
    assert hall.name == "广州中山路"
    assert update_compiles == [Hall]


def test_a_row_gone_is_not_updated():
    hall = HallFactory()
    Hall.objects.filter(pk=hall.pk).delete()
    hall.name = "已撤销"
    with pytest.raises(DatabaseError, match="did not affect any rows"), transaction.atomic():
        hall.save(update_fields=["name"])
    assert not Hall.objects.filter(pk=hall.pk).exists()


def test_the_state_check_comes_before_the_compiled_update():
    """django-fsm narrows the update to the state read before the compiled update runs: every model with both has
    the state check first in its bases."""
    both = [m for m in apps.get_models()
            if issubclass(m, ConcurrentTransitionMixin) and issubclass(m, boss.models.CompiledSaveModel)]
    assert NumberResource in both
    for model in both:
        assert model.__mro__.index(ConcurrentTransitionMixin) < model.__mro__.index(boss.models.CompiledSaveModel)

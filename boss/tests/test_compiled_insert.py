"""New rows inserted through a statement compiled once per process (boss/prepared.py's `insert_compiled`): the
same row as the ORM's general path writes, with Model.save()'s signals, keys and state, and the general path
wherever the compiled one cannot serve."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Value
from django.db.models.signals import post_save
from django.db.models.sql.compiler import SQLInsertCompiler
from django.test.utils import CaptureQueriesContext

import boss.models
from boss import prepared
from boss.models import AuditEvent, IdempotencyKey
from boss.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def compiles(monkeypatch):
    """How many INSERT statements the ORM's compiler built."""
    calls = []
    original = SQLInsertCompiler.as_sql

    def counted(self, *args, **kwargs):
        calls.append(self.query.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLInsertCompiler, "as_sql", counted)
    return calls


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

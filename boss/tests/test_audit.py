import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models.sql.compiler import SQLCompiler

from boss.audit import audit_record
from boss.context import request_id_var
from boss.models import AuditEvent
from boss.permissions import system_actor
from boss.tests.factories import HallFactory

pytestmark = pytest.mark.django_db


def test_audit_record_keeps_actor_hall_target_and_request_id(rep):
    token = request_id_var.set("req-123")
    try:
        event = audit_record(actor=rep, action="test.action", target=rep.hall, before={"a": 1}, after={"a": 2},
                             reason="because")
    finally:
        request_id_var.reset(token)
    event.refresh_from_db()
    assert (event.actor, event.hall, event.action, event.reason, event.request_id) == (
        rep, rep.hall, "test.action", "because", "req-123")
    assert event.target_type == "boss.hall" and event.target_id == str(rep.hall.pk)
    assert event.before == {"a": 1} and event.after == {"a": 2}


def test_an_audit_event_of_a_hall_given_by_its_key_reads_no_hall(rep, django_assert_num_queries):
    other = HallFactory()
    with django_assert_num_queries(1):   # the insert: no hall read
        event = audit_record(actor=rep, action="test.action", hall_id=other.pk)
    assert AuditEvent.objects.get(pk=event.pk).hall_id == other.pk != rep.hall_id
    assert AuditEvent.objects.get(pk=audit_record(actor=rep, action="test.action").pk).hall_id == rep.hall_id


def test_the_system_actor_is_made_once_then_read_by_a_statement_compiled_once(monkeypatch, django_assert_num_queries):
    first = system_actor()
    assert (first.username, first.is_system, first.is_active, first.has_usable_password()) == (
        "system", True, False, False)
    compiled = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(self) or original(self, *a, **k))
    system_actor()
    compiled.clear()
    with django_assert_num_queries(1):
        again = system_actor()
    assert again == first and compiled == []


def test_audit_events_cannot_be_changed_or_deleted_through_the_orm(rep):
    event = audit_record(actor=rep, action="test.action")
    event.reason = "rewritten"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


@pytest.mark.postgres
def test_the_database_refuses_update_and_delete_of_audit_events(rep):
    event = audit_record(actor=rep, action="test.action")
    for sql in ("UPDATE boss_auditevent SET reason = 'x' WHERE id = %s", "DELETE FROM boss_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_request_id_is_returned_in_a_header(client, rep):
    client.force_login(rep)
    response = client.get("/", HTTP_X_REQUEST_ID="abc123")
    assert response["X-Request-ID"] == "abc123"


def test_an_audit_event_keeps_the_clients_address_behind_a_trusted_proxy(client, rep, settings):
    settings.BOSS_TRUSTED_PROXIES = ["10.9.0.0/16"]
    client.force_login(rep)
    client.post("/logout/", REMOTE_ADDR="10.9.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")
    settings.BOSS_TRUSTED_PROXIES = []
    client.force_login(rep)
    client.post("/logout/", REMOTE_ADDR="10.9.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert list(AuditEvent.objects.filter(action="auth.logout").order_by("pk").values_list("client_ip", flat=True)
                ) == ["203.0.113.7", "10.9.0.1"]

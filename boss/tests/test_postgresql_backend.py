"""boss/postgresql: each savepoint's statements wait and go in front of the next statement, in the same message. The
savepoints behave as Django's do: a block that fails is undone to its savepoint and the transaction goes on; a block
that sent nothing leaves nothing to undo; the statements that wait are never lost, never sent twice, and end with the
transaction."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from boss.models import Hall

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


class RefusedError(Exception):
    pass


def _hall(code: str) -> Hall:
    return Hall.objects.create(code=code, name=f"营业厅{code}", kind=Hall.Kind.SELF_OPERATED)


def _waiting() -> list[tuple[str, str]]:
    return list(connection.connection.boss_waiting)


def _codes() -> set[str]:
    return set(Hall.objects.filter(code__startswith="SP").values_list("code", flat=True))


def test_the_backend_is_ours():
    assert connection.settings_dict["ENGINE"] == "boss.postgresql"
    assert connection.vendor == "postgresql"


def test_a_savepoint_waits_for_the_next_statement_and_goes_with_it():
    with transaction.atomic():
        with transaction.atomic():
            assert [verb for verb, _sid in _waiting()][-1] == "SAVEPOINT"
            with CaptureQueriesContext(connection) as queries:
                _hall("SP1")
            assert _waiting() == []   # sent, in front of the INSERT
            assert not any("SAVEPOINT" in q["sql"] for q in queries.captured_queries)
        assert [verb for verb, _sid in _waiting()][-1] == "RELEASE SAVEPOINT"
        assert _codes() == {"SP1"}
        assert _waiting() == []


def test_a_failed_block_is_undone_to_its_savepoint_and_the_transaction_goes_on():
    with transaction.atomic():
        _hall("SP1")
        with pytest.raises(RefusedError), transaction.atomic():
            _hall("SP2")
            raise RefusedError
        assert _codes() == {"SP1"}
        _hall("SP3")
    assert _codes() == {"SP1", "SP3"}


def test_a_block_undone_after_an_inner_block_ended_undoes_the_inner_block_too():
    with transaction.atomic():
        with pytest.raises(RefusedError), transaction.atomic():
            _hall("SP1")
            with transaction.atomic():
                _hall("SP2")
            assert _waiting()[-1][0] == "RELEASE SAVEPOINT"   # the inner release still waits
            raise RefusedError
        assert _codes() == set()
        _hall("SP3")
    assert _codes() == {"SP3"}


def test_a_block_that_sent_nothing_sends_no_statement_at_all():
    with transaction.atomic():
        _hall("SP1")
        before = _waiting()
        with transaction.atomic():
            with transaction.atomic():
                pass
        assert _waiting() == before
        with pytest.raises(RefusedError), transaction.atomic():
            raise RefusedError   # undone before it was sent: nothing to roll back on the server
        assert _waiting() == before
        with CaptureQueriesContext(connection) as queries:
            _hall("SP2")
        assert [q["sql"] for q in queries.captured_queries if "SAVEPOINT" in q["sql"]] == []
    assert _codes() == {"SP1", "SP2"}


def test_a_refused_row_rolls_back_to_the_savepoint_sent_with_it():
    """The get-or-create idiom: the unique index refuses the row inside a savepoint, the transaction goes on."""
    _hall("SP1")
    with transaction.atomic():
        try:
            with transaction.atomic():
                Hall.objects.create(code="SP1", name="重复", kind=Hall.Kind.SELF_OPERATED)
        except IntegrityError:
            pass
        _hall("SP2")
    assert _codes() == {"SP1", "SP2"}


def test_a_statement_refused_before_it_is_sent_leaves_the_savepoint_waiting():
    """psycopg2 refuses a value it cannot adapt before sending anything: the savepoint statements still wait, and the
    block's rollback has nothing to undo on the server."""
    with transaction.atomic():
        _hall("SP1")
        with pytest.raises(Exception, match="can't adapt"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT %s", [object()])
        _hall("SP2")
    assert _codes() == {"SP1", "SP2"}


def test_a_named_cursor_gets_the_waiting_statements_sent_before_it():
    _hall("SP1")
    _hall("SP2")
    with transaction.atomic():
        with pytest.raises(RefusedError), transaction.atomic():
            _hall("SP3")
            assert {h.code for h in Hall.objects.filter(code__startswith="SP").iterator(chunk_size=1)} == {
                "SP1", "SP2", "SP3"}
            raise RefusedError
        with transaction.atomic():
            assert sorted(h.code for h in Hall.objects.filter(code__startswith="SP").iterator(chunk_size=1)) == [
                "SP1", "SP2"]
        assert _codes() == {"SP1", "SP2"}


@pytest.mark.django_db(transaction=True)
def test_the_waiting_releases_end_with_the_transaction():
    with transaction.atomic():
        with transaction.atomic():
            _hall("SP1")
        assert _waiting()[-1][0] == "RELEASE SAVEPOINT"
    assert _waiting() == [] and connection.connection.boss_dropped == set()
    with pytest.raises(RefusedError), transaction.atomic():
        with transaction.atomic():
            _hall("SP2")
        raise RefusedError
    assert _waiting() == []
    assert _codes() == {"SP1"}

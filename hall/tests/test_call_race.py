"""Real concurrency on PostgreSQL: counters pressing "call next" at the same moment never get the same ticket,
and machines giving tickets at the same moment never give one number twice."""

import pytest

from boss.tests.threads import run_concurrently
from hall.models import Business, Ticket
from hall.services import ticket_call_next, ticket_take

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_four_counters_calling_at_once_get_four_different_tickets(machine, make_staff):
    for _ in range(3):
        ticket_take(device=machine, business=Business.COUNTER)
    reps = [make_staff("sales_rep", username=f"rep_race_{i}") for i in range(4)]
    outcomes, errors = run_concurrently(4, lambda i: ticket_call_next(actor=reps[i], window=str(i + 1)))
    assert not errors
    called = [t.pk for t in outcomes if t is not None]
    assert len(called) == 3 and len(set(called)) == 3 and outcomes.count(None) == 1
    assert Ticket.objects.filter(state=Ticket.State.SERVING).count() == 3
    assert set(Ticket.objects.values_list("called_by__username", flat=True)) <= {r.username for r in reps}


def test_one_counter_double_clicking_calls_one_customer(machine, rep):
    for _ in range(2):
        ticket_take(device=machine, business=Business.COUNTER)
    outcomes, errors = run_concurrently(2, lambda i: ticket_call_next(actor=rep, window="1"))
    assert len(outcomes) == 1 and len(errors) == 1 and errors[0].code == "ticket_still_serving"
    assert Ticket.objects.filter(state=Ticket.State.SERVING).count() == 1


def test_machines_giving_tickets_at_once_never_give_a_number_twice(machine):
    outcomes, errors = run_concurrently(6, lambda i: ticket_take(device=machine, business=Business.PAYMENT))
    assert not errors
    assert sorted(t.number for t in outcomes) == [f"B00{i}" for i in range(1, 7)]


def test_a_machine_repeating_a_request_at_once_gets_one_ticket(machine):
    """The device API's Idempotency-Key: the same request sent twice at the same moment (a retry racing the
    first) prints one number; both answers are that ticket."""
    from hall.services.tickets import ticket_take_request

    outcomes, errors = run_concurrently(2, lambda i: ticket_take_request(device=machine, business=Business.COUNTER,
                                                                         request_key="retry-1"))
    assert not errors
    assert len({t.pk for t, _replayed in outcomes}) == 1 and sorted(r for _t, r in outcomes) == [False, True]
    assert Ticket.objects.count() == 1 and Ticket.objects.get().number == "A001"

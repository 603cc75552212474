"""Real concurrency on PostgreSQL: two counters taking back the same former number for a returning customer
at once (process 3.2) hold it once."""

import pytest

from boss.tests.threads import run_concurrently
from inventory.errors import NumberUnavailableError
from inventory.models import NumberReservation
from inventory.services.numbers import number_reserve
from orders.tests.returning import leave

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_counters_taking_back_one_former_number_for_the_returning_customer_exactly_one_wins(live, make_staff):
    number = leave(live)
    assert number.status == "frozen" and number.frozen_until is not None
    reps = [live.rep, make_staff("sales_rep", username="rep_counter_b")]

    outcomes, errors = run_concurrently(
        2, lambda i: number_reserve(actor=reps[i], msisdn=number.msisdn, customer=live.customer))
    assert len(outcomes) == 1, errors
    assert len(errors) == 1 and isinstance(errors[0], NumberUnavailableError) and errors[0].code == "number_unavailable"
    assert NumberReservation.objects.filter(number=number, state="active").count() == 1
    number.refresh_from_db()
    assert number.status == "reserved" and number.frozen_until is not None

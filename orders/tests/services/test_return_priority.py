"""Priority number selection of a customer who left despite retention and comes back (process 3.2): the
selector, taking a former number back during its cool-down, the longer reservation, the refusals."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from boss.models import AuditEvent
from boss.permissions import system_actor
from customers.models import Line
from inventory.errors import NumberUnavailableError, ReturnPriorityExpiredError
from inventory.models import NumberReservation, NumberResource
from inventory.selectors import number_list_free, return_priority_numbers, returning_customer_priority
from inventory.services.numbers import number_release, number_reservations_expire_due, number_reserve, numbers_thaw_due
from orders.models import RetentionAttempt
from orders.services.precancel import RetentionInput, line_precancel
from orders.tests.factories import CustomerFactory
from orders.tests.returning import leave

pytestmark = pytest.mark.django_db
Status = NumberResource.Status


def written(number):
    """What a reservation would write: the number's row, its reservations, the audit of reservations."""
    number = NumberResource.objects.get(pk=number.pk)
    return (number.status, number.frozen_until, number.reserved_until, number.updated_at,
            NumberReservation.objects.filter(number=number).count(),
            AuditEvent.objects.filter(action="number.reserve").count())


def nothing_written(number):
    return written(number) == number.snapshot and number.snapshot[0] == Status.FROZEN


@pytest.fixture
def returning(live):
    live.former = leave(live)
    live.former.snapshot = written(live.former)
    return live


def test_a_customer_who_left_despite_retention_has_priority_for_the_tariff_days(returning, set_tariff):
    set_tariff("number.return_priority_days", "365")
    priority = returning_customer_priority(customer=returning.customer)
    today = timezone.localdate()
    assert priority.left_on == today and priority.until == today + timedelta(days=365)
    assert priority.msisdn == returning.line.msisdn
    assert [n.msisdn for n in return_priority_numbers(customer=returning.customer)] == [returning.line.msisdn]
    assert returning_customer_priority(customer=CustomerFactory()) is None
    assert returning_customer_priority(customer=returning.customer, on=priority.until + timedelta(days=1)) is None


def test_pending_cancellation_already_gives_priority_but_its_number_is_the_lines_until_cancelled(live):
    line_precancel(actor=live.manager, line=live.line, documents_checked=["id_original"], agreement_signed=True,
                   retention=RetentionInput(reason="price", offer="保号套餐", accepted=False))
    assert returning_customer_priority(customer=live.customer) is not None
    assert return_priority_numbers(customer=live.customer) == []  # re-open the line instead (重开)


def test_the_returning_customer_takes_back_their_former_number_during_its_cool_down(returning):
    number = returning.former
    cool_down = number.frozen_until
    assert number.status == Status.FROZEN and cool_down > timezone.now()
    reservation = number_reserve(actor=returning.rep, msisdn=number.msisdn, customer=returning.customer)
    number.refresh_from_db()
    assert number.status == Status.RESERVED and number.frozen_until == cool_down  # still in its cool-down
    assert reservation.customer == returning.customer
    event = AuditEvent.objects.filter(action="number.reserve", target_repr=number.msisdn).latest("id")
    assert event.after["in_cool_down_until"] == cool_down.isoformat()
    assert number.msisdn not in {n.msisdn for n in number_list_free()}


def test_opening_with_the_former_number_thaws_it_in_the_same_commit(returning):
    msisdn = returning.former.msisdn
    line = returning.open_line(msisdn, customer=returning.customer)
    number = NumberResource.objects.get(msisdn=msisdn)
    assert number.status == Status.ASSIGNED and number.frozen_until is None
    assert line.msisdn == msisdn and line.customer == returning.customer
    event = AuditEvent.objects.filter(action="number.assign", target_repr=msisdn).latest("id")
    assert "frozen_until" in event.before
    assert return_priority_numbers(customer=returning.customer) == []
    assert numbers_thaw_due(actor=system_actor()) == 0


def test_another_customer_cannot_reserve_the_former_number_during_its_cool_down(returning):
    number = returning.former
    for customer in (CustomerFactory(), None):
        with pytest.raises(NumberUnavailableError) as exc:
            number_reserve(actor=returning.rep, msisdn=number.msisdn, customer=customer)
        assert exc.value.code == "number_unavailable"
        assert "该号码不可用" in str(exc.value.message)
    assert nothing_written(number)


def test_a_customer_whose_retention_was_accepted_has_no_priority(returning):
    # Their only retention attempt kept them (the line was cancelled later without a failed retention).
    RetentionAttempt.objects.filter(customer=returning.customer).update(accepted=True, priority_on_return=False)
    assert returning_customer_priority(customer=returning.customer) is None
    with pytest.raises(NumberUnavailableError) as exc:
        number_reserve(actor=returning.rep, msisdn=returning.former.msisdn, customer=returning.customer)
    assert exc.value.code == "number_unavailable"
    assert nothing_written(returning.former)


def test_the_priority_ended_so_the_former_number_stays_in_its_cool_down(returning, set_tariff):
    set_tariff("number.return_priority_days", "30")
    number = returning.former
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert returning_customer_priority(customer=returning.customer) is None
        with pytest.raises(ReturnPriorityExpiredError) as exc:
            number_reserve(actor=returning.rep, msisdn=number.msisdn, customer=returning.customer)
    assert exc.value.code == "return_priority_expired" and exc.value.status == 409
    until = (timezone.localdate() + timedelta(days=30)).isoformat()
    assert until in str(exc.value.message) and exc.value.params["priority_until"] == until
    assert nothing_written(number)


def test_a_released_or_lapsed_take_back_returns_to_the_cool_down_and_stays_refused_to_others(returning):
    number = returning.former
    cool_down = number.frozen_until
    number_reserve(actor=returning.rep, msisdn=number.msisdn, customer=returning.customer)
    number_release(actor=returning.rep, msisdn=number.msisdn)
    number.refresh_from_db()
    assert number.status == Status.FROZEN and number.frozen_until == cool_down
    reservation = number_reserve(actor=returning.rep, msisdn=number.msisdn, customer=returning.customer)
    with time_machine.travel(reservation.reserved_until + timedelta(seconds=1)):
        assert NumberResource.objects.get(pk=number.pk).effective_status() == Status.FROZEN
        assert number.msisdn not in {n.msisdn for n in number_list_free()}
        with pytest.raises(NumberUnavailableError):
            number_reserve(actor=returning.rep, msisdn=number.msisdn, customer=CustomerFactory())
        assert number_reservations_expire_due(actor=system_actor()) == 1
    number.refresh_from_db()
    assert number.status == Status.FROZEN and number.frozen_until == cool_down


def test_a_cool_down_that_ends_while_reserved_frees_the_number_when_the_reservation_ends(returning):
    number = returning.former
    number_reserve(actor=returning.rep, msisdn=number.msisdn, customer=returning.customer)
    with time_machine.travel(number.frozen_until + timedelta(minutes=1)):
        assert numbers_thaw_due(actor=system_actor()) == 0  # reserved: the thaw job leaves it alone
        number_release(actor=returning.rep, msisdn=number.msisdn)
    number.refresh_from_db()
    assert number.status == Status.FREE and number.frozen_until is None and number.assigned_at is None


def test_a_returning_customers_reservations_last_the_tariff_multiple(returning, set_tariff):
    set_tariff("number.reservation_minutes", "30")
    set_tariff("number.return_reservation_factor", "2")
    before = timezone.now()
    theirs = number_reserve(actor=returning.rep, msisdn="13912345671", customer=returning.customer)
    assert timedelta(minutes=59) < theirs.reserved_until - before <= timedelta(minutes=60, seconds=5)
    nobodys = number_reserve(actor=returning.rep, msisdn="13912358888")  # the customer is not known yet
    assert nobodys.reserved_until - before <= timedelta(minutes=30, seconds=5)


def test_someone_elses_former_number_is_not_yours(returning):
    # The number was resold after its cool-down and cancelled again: it is its last owner's former number.
    msisdn = returning.former.msisdn
    NumberResource.objects.filter(msisdn=msisdn).update(status=Status.FREE, frozen_until=None)
    other = CustomerFactory()
    Line.objects.create(msisdn=msisdn, customer=other, account=returning.line.account, plan=returning.line.plan,
                        hall=returning.line.hall, status=Line.Status.CANCELLED)
    NumberResource.objects.filter(msisdn=msisdn).update(status=Status.FROZEN,
                                                        frozen_until=timezone.now() + timedelta(days=10))
    assert return_priority_numbers(customer=returning.customer) == []
    with pytest.raises(NumberUnavailableError):
        number_reserve(actor=returning.rep, msisdn=msisdn, customer=returning.customer)

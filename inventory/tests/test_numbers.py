"""Reservation (预占), release, expiry, assignment and cool-down of pool numbers."""

from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from boss.models import AuditEvent
from boss.permissions import system_actor
from boss.tests.factories import HallFactory
from customers.errors import BadMobileNumberError
from customers.identity import msisdn_normalize
from inventory.errors import (
    NumberNotFoundError,
    NumberStateError,
    NumberUnavailableError,
    ReservationCustomerMismatchError,
    ReservationNotFoundError,
    ReservationNotHolderError,
)
from inventory.models import NumberReservation, NumberResource
from inventory.selectors import number_list_free
from inventory.services.numbers import (
    number_assign,
    number_freeze,
    number_release,
    number_reservation_expire,
    number_reservations_expire_due,
    number_reserve,
    number_thaw,
    numbers_thaw_due,
)

pytestmark = pytest.mark.django_db
Status = NumberResource.Status


def _state(number):
    number = NumberResource.objects.get(pk=number.pk)
    return number.status, NumberReservation.objects.filter(number=number).count()


def _audits(action):
    return AuditEvent.objects.filter(action=action).count()


@pytest.mark.parametrize("raw", ["13912345670", "+86 139-1234-5670", "0086 13912345670", "86 139 1234 5670"])
def test_numbers_are_normalised(raw):
    assert msisdn_normalize(raw) == "13912345670"


@pytest.mark.parametrize("raw", ["1391234567", "23912345670", "1391234567a", ""])
def test_malformed_numbers_are_bad_input(raw):
    with pytest.raises(BadMobileNumberError):
        msisdn_normalize(raw)


# --------------------------------------------------------------------------------------------------
# Reserve
# --------------------------------------------------------------------------------------------------


def test_a_free_number_is_reserved_for_the_tariff_time_and_audited(rep, number, customer, set_tariff):
    set_tariff("number.reservation_minutes", "45")
    before = timezone.now()
    reservation = number_reserve(actor=rep, msisdn=number.msisdn, customer=customer)
    number.refresh_from_db()
    assert number.status == Status.RESERVED
    assert reservation.state == "active" and reservation.customer == customer and reservation.hall == rep.hall
    assert timedelta(minutes=44) < reservation.reserved_until - before <= timedelta(minutes=45, seconds=5)
    assert number.reserved_until == reservation.reserved_until
    event = AuditEvent.objects.get(action="number.reserve")
    assert event.actor == rep and event.target_repr == number.msisdn and event.after["customer"] == customer.pk


def test_a_reserved_number_cannot_be_reserved_by_another_rep_and_nothing_is_written(rep, make_staff, number):
    number_reserve(actor=rep, msisdn=number.msisdn)
    other = make_staff("sales_rep", username="rep_b")
    with pytest.raises(NumberUnavailableError) as exc:
        number_reserve(actor=other, msisdn=number.msisdn)
    assert exc.value.code == "number_unavailable" and exc.value.status == 409
    assert "另一个柜台" in str(exc.value.message)
    assert _state(number) == (Status.RESERVED, 1) and _audits("number.reserve") == 1


def test_the_holder_reserving_again_is_refused_too(rep, number):
    number_reserve(actor=rep, msisdn=number.msisdn)
    with pytest.raises(NumberUnavailableError):
        number_reserve(actor=rep, msisdn=number.msisdn)
    assert _state(number) == (Status.RESERVED, 1)


@pytest.mark.parametrize("status", [Status.ASSIGNED, Status.FROZEN, Status.UNUSABLE])
def test_numbers_not_free_cannot_be_reserved(rep, number, status):
    NumberResource.objects.filter(pk=number.pk).update(status=status)
    with pytest.raises(NumberUnavailableError):
        number_reserve(actor=rep, msisdn=number.msisdn)
    assert _state(number) == (status, 0) and _audits("number.reserve") == 0


def test_an_unknown_number_is_not_found_and_nothing_is_written(rep, reference):
    with pytest.raises(NumberNotFoundError) as exc:
        number_reserve(actor=rep, msisdn="13800000000")
    assert exc.value.code == "number_not_found" and exc.value.status == 404
    assert NumberReservation.objects.count() == 0 and _audits("number.reserve") == 0


def test_a_lapsed_reservation_reads_as_free_at_once_and_can_be_taken(rep, make_staff, number):
    first = number_reserve(actor=rep, msisdn=number.msisdn)
    with time_machine.travel(first.reserved_until + timedelta(seconds=1)):
        # No job has run: the row still says reserved, but every read sees it free.
        assert NumberResource.objects.get(pk=number.pk).status == Status.RESERVED
        assert number_list_free().filter(pk=number.pk).exists()
        assert NumberResource.objects.get(pk=number.pk).effective_status() == Status.FREE
        other = make_staff("sales_rep", username="rep_b")
        second = number_reserve(actor=other, msisdn=number.msisdn)
    first.refresh_from_db()
    assert first.state == "expired" and first.closed_at is not None
    assert second.state == "active" and second.reserved_by == other
    assert AuditEvent.objects.filter(action="number.reserve").first().before == {"lapsed_reservation": first.pk}


def test_the_database_forbids_two_active_reservations_of_one_number(rep, number):
    number_reserve(actor=rep, msisdn=number.msisdn)
    with pytest.raises(IntegrityError), transaction.atomic():
        NumberReservation.objects.create(number=number, reserved_by=rep, reserved_until=timezone.now())


# --------------------------------------------------------------------------------------------------
# Release
# --------------------------------------------------------------------------------------------------


def test_the_holder_releases_the_number_to_the_pool(rep, number):
    number_reserve(actor=rep, msisdn=number.msisdn)
    reservation = number_release(actor=rep, msisdn=number.msisdn)
    assert reservation.state == "released" and reservation.closed_by == rep
    assert NumberResource.objects.get(pk=number.pk).status == Status.FREE
    assert _audits("number.release") == 1


def test_another_rep_cannot_release_and_nothing_changes(rep, make_staff, number):
    number_reserve(actor=rep, msisdn=number.msisdn)
    with pytest.raises(ReservationNotHolderError) as exc:
        number_release(actor=make_staff("sales_rep", username="rep_b"), msisdn=number.msisdn)
    assert exc.value.code == "not_reservation_holder" and exc.value.status == 403
    assert _state(number) == (Status.RESERVED, 1) and _audits("number.release") == 0


def test_a_store_manager_releases_reservations_of_their_own_hall_only(rep, make_staff, number):
    number_reserve(actor=rep, msisdn=number.msisdn)
    elsewhere = make_staff("store_manager", username="sm_b", hall=HallFactory(code="HX"))
    with pytest.raises(ReservationNotHolderError):
        number_release(actor=elsewhere, msisdn=number.msisdn)
    assert _audits("number.release") == 0
    number_release(actor=make_staff("store_manager", username="sm_a"), msisdn=number.msisdn)
    assert NumberResource.objects.get(pk=number.pk).status == Status.FREE


def test_a_manager_releases_in_every_hall(rep, make_staff, number):
    number_reserve(actor=rep, msisdn=number.msisdn)
    number_release(actor=make_staff("manager", username="boss", hall=None), msisdn=number.msisdn)
    assert NumberResource.objects.get(pk=number.pk).status == Status.FREE


def test_releasing_a_free_number_is_refused(rep, number):
    with pytest.raises(ReservationNotFoundError) as exc:
        number_release(actor=rep, msisdn=number.msisdn)
    assert exc.value.code == "reservation_not_found" and _audits("number.release") == 0


# --------------------------------------------------------------------------------------------------
# The timed job
# --------------------------------------------------------------------------------------------------


def test_the_job_expires_lapsed_reservations_only_and_is_safe_to_run_twice(rep, add_numbers):
    lapsing, live = add_numbers("13912345670", "13912345671")
    old = number_reserve(actor=rep, msisdn=lapsing.msisdn)
    with time_machine.travel(old.reserved_until - timedelta(minutes=5)):
        number_reserve(actor=rep, msisdn=live.msisdn)
    with time_machine.travel(old.reserved_until + timedelta(seconds=1)):
        assert number_reservations_expire_due(actor=system_actor()) == 1
        assert number_reservations_expire_due(actor=system_actor()) == 0
        assert number_reservation_expire(actor=system_actor(), reservation_id=old.pk) is None
    assert NumberResource.objects.get(pk=lapsing.pk).status == Status.FREE
    assert NumberResource.objects.get(pk=live.pk).status == Status.RESERVED
    old.refresh_from_db()
    assert old.state == "expired" and _audits("number.reservation_expire") == 1


def test_the_job_leaves_a_reservation_that_was_taken_over(rep, make_staff, number):
    old = number_reserve(actor=rep, msisdn=number.msisdn)
    with time_machine.travel(old.reserved_until + timedelta(seconds=1)):
        new = number_reserve(actor=make_staff("sales_rep", username="rep_b"), msisdn=number.msisdn)
        assert number_reservations_expire_due(actor=system_actor()) == 0
    assert NumberReservation.objects.get(pk=new.pk).state == "active"
    assert NumberResource.objects.get(pk=number.pk).status == Status.RESERVED


def test_the_celery_tasks_call_the_services(rep, number):
    from inventory.tasks import number_reservations_expire, numbers_thaw

    reservation = number_reserve(actor=rep, msisdn=number.msisdn)
    with time_machine.travel(reservation.reserved_until + timedelta(seconds=1)):
        assert number_reservations_expire() == 1
        assert numbers_thaw() == 0


# --------------------------------------------------------------------------------------------------
# Assignment and cool-down (called by the opening and cancellation processes)
# --------------------------------------------------------------------------------------------------


def test_a_live_reservation_becomes_the_assignment(rep, number, customer):
    number_reserve(actor=rep, msisdn=number.msisdn, customer=customer)
    assigned = number_assign(actor=rep, msisdn=number.msisdn, customer=customer)
    assert assigned.status == Status.ASSIGNED and assigned.assigned_at is not None and assigned.reserved_until is None
    assert NumberReservation.objects.get(number=number).state == "converted"
    assert _audits("number.assign") == 1


def test_assignment_needs_a_live_reservation(rep, number):
    with pytest.raises(ReservationNotFoundError):
        number_assign(actor=rep, msisdn=number.msisdn)
    reservation = number_reserve(actor=rep, msisdn=number.msisdn)
    lapsed = reservation.reserved_until + timedelta(seconds=1)
    with time_machine.travel(lapsed), pytest.raises(ReservationNotFoundError):
        number_assign(actor=rep, msisdn=number.msisdn)
    assert NumberResource.objects.get(pk=number.pk).status == Status.RESERVED and _audits("number.assign") == 0


def test_assignment_by_another_rep_or_for_another_customer_is_refused(rep, make_staff, number, customer):
    from orders.tests.factories import CustomerFactory

    number_reserve(actor=rep, msisdn=number.msisdn, customer=customer)
    with pytest.raises(ReservationNotHolderError):
        number_assign(actor=make_staff("sales_rep", username="rep_b"), msisdn=number.msisdn)
    with pytest.raises(ReservationCustomerMismatchError) as exc:
        number_assign(actor=rep, msisdn=number.msisdn, customer=CustomerFactory())
    assert exc.value.code == "reservation_customer_mismatch"
    assert NumberResource.objects.get(pk=number.pk).status == Status.RESERVED and _audits("number.assign") == 0


def test_a_cancelled_lines_number_cools_down_then_returns_to_the_pool(rep, number, set_tariff):
    set_tariff("number.cooldown_days", "90")
    number_reserve(actor=rep, msisdn=number.msisdn)
    number_assign(actor=rep, msisdn=number.msisdn)
    frozen = number_freeze(actor=rep, msisdn=number.msisdn, reason="销号")
    assert frozen.status == Status.FROZEN
    assert timedelta(days=89) < frozen.frozen_until - timezone.now() <= timedelta(days=90)
    with pytest.raises(NumberUnavailableError):
        number_reserve(actor=rep, msisdn=number.msisdn)
    with time_machine.travel(frozen.frozen_until - timedelta(hours=1)):
        assert numbers_thaw_due(actor=system_actor()) == 0
    with time_machine.travel(frozen.frozen_until + timedelta(minutes=1)):
        assert numbers_thaw_due(actor=system_actor()) == 1
        assert numbers_thaw_due(actor=system_actor()) == 0
    thawed = NumberResource.objects.get(pk=number.pk)
    assert thawed.status == Status.FREE and thawed.frozen_until is None and _audits("number.thaw") == 1


def test_only_an_assigned_number_can_cool_down(rep, number):
    with pytest.raises(NumberStateError) as exc:
        number_freeze(actor=rep, msisdn=number.msisdn)
    assert exc.value.code == "number_state"
    assert _state(number) == (Status.FREE, 0) and _audits("number.freeze") == 0


def test_a_number_frozen_without_an_end_is_never_thawed_by_the_job(number):
    NumberResource.objects.filter(pk=number.pk).update(status=Status.FROZEN, frozen_until=None)
    assert number_thaw(actor=system_actor(), number_id=number.pk) is None
    assert NumberResource.objects.get(pk=number.pk).status == Status.FROZEN

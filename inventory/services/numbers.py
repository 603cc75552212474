"""The number pool: reservation (预占, C1-F5), release, expiry, assignment to a line, cool-down.

Two counters can never hold or sell the same number:
- every change locks the number's row first (`SELECT ... FOR NO KEY UPDATE`); a reservation asks with
  NOWAIT, so a rep whose number is being reserved at another counter is told at once (B4);
- the database allows one active reservation per number (partial unique constraint), so even a bug
  that skipped the lock could not insert a second one;
- every read treats a reservation whose time is up as free; the timed job only tidies up.
"""

from contextlib import nullcontext
from datetime import timedelta

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boss.audit import audit_record
from boss.locks import lock, lock_by_key
from boss.models import Hall, Staff
from boss.permissions import actor_spans_halls
from boss.prepared import Prepared
from boss.tariffs import tariff
from customers.identity import msisdn_normalize
from inventory.errors import (
    NumberNotFoundError,
    NumberStateError,
    NumberUnavailableError,
    ReservationCustomerMismatchError,
    ReservationNotFoundError,
    ReservationNotHolderError,
    ReservationQuotaError,
    ReturnPriorityExpiredError,
)
from inventory.models import NumberReservation, NumberResource
from inventory.selectors import (
    ReturnPriority,
    live_reservation_holders,
    number_reservation_active,
    return_priority_latest,
    return_priority_numbers,
)

Status = NumberResource.Status


# Every reservation and opening locks its number: compiled once per process (boss/prepared.py; issue 20), waiting
# or NOWAIT.
_NUMBER_LOCKED = {nowait: Prepared(lambda msisdn, nowait=nowait: lock(NumberResource.objects.filter(msisdn=msisdn),
                                                                      nowait=nowait), str)
                  for nowait in (False, True)}


def _lock_number(msisdn: str, *, nowait: bool = False) -> NumberResource:
    """Lock the number's row. With nowait, a row another counter holds right now is unavailable."""
    # The number only, not its grade (two counters reserving two numbers of the same grade must not wait for,
    # or with NOWAIT be refused by, each other); the grade is read when needed.
    try:
        # With NOWAIT, a savepoint: a refused NOWAIT aborts only this statement. A lock that waits needs none.
        with transaction.atomic() if nowait else nullcontext():
            return _NUMBER_LOCKED[nowait].one(msisdn)
    except NumberResource.DoesNotExist:
        raise NumberNotFoundError(msisdn=msisdn) from None
    except OperationalError as exc:
        if nowait and getattr(exc.__cause__, "pgcode", None) == "55P03":  # lock_not_available
            raise NumberUnavailableError(msisdn=msisdn) from exc
        raise


def reservation_may_act_for(actor, reservation: NumberReservation) -> bool:
    """The holder, or a manager: `release_any_reservation` within their hall, or in every hall."""
    if reservation.reserved_by_id == actor.pk:
        return True
    if not actor.has_perm("inventory.release_any_reservation"):
        return False
    return actor_spans_halls(actor) or (actor.hall_id is not None and actor.hall_id == reservation.hall_id)


def _active_reservation(number: NumberResource) -> NumberReservation | None:
    return number_reservation_active(number_id=number.pk)


def _close(reservation: NumberReservation, *, state: str, actor, now) -> None:
    reservation.state, reservation.closed_at, reservation.closed_by = state, now, actor
    reservation.save(update_fields=["state", "closed_at", "closed_by", "updated_at"])


def _ensure_may_take_back(*, number: NumberResource, customer, priority: ReturnPriority | None, now) -> None:
    """A number in cool-down is sold to nobody, except back to the customer who left with it despite the
    retention attempt, while their priority (`return_priority_latest`) lasts (process 3.2)."""
    if customer is None or number.msisdn not in {n.msisdn for n in return_priority_numbers(customer=customer,
                                                                                         now=now)}:
        raise NumberUnavailableError(msisdn=number.msisdn)
    if priority is None:  # left without a failed retention attempt (or stayed): no priority
        raise NumberUnavailableError(msisdn=number.msisdn)
    if not priority.is_live(timezone.localdate(now)):
        ends = timezone.localdate(number.frozen_until).isoformat()
        raise ReturnPriorityExpiredError(
            _("The customer's priority number selection ended on %(until)s: this former number is cooling down "
              "until %(ends)s.") % {"until": priority.until.isoformat(), "ends": ends},
            msisdn=number.msisdn, priority_until=priority.until.isoformat(), frozen_until=ends)


def _reservation_minutes(priority: ReturnPriority | None, now) -> int:
    """The usual time limit; a returning customer with a live priority holds numbers longer (process 3.2).
    Only a reservation made for a known customer gets it."""
    minutes = tariff("number.reservation_minutes")
    if priority is not None and priority.is_live(timezone.localdate(now)):
        minutes *= max(tariff("number.return_reservation_factor"), 1)
    return minutes


@transaction.atomic
def number_reserve(*, actor: Staff, msisdn: str, customer=None) -> NumberReservation:
    """Reserve a free number for `number.reservation_minutes`, for one customer or none (C1-F5).

    A number in cool-down is reserved only for the customer who left with it despite the retention
    attempt, while their priority lasts; such a customer's reservations last longer (process 3.2). A
    reservation whose time is up is closed (expired) under the number's lock before the new one is
    inserted. Raises NumberNotFoundError, NumberUnavailableError, ReturnPriorityExpiredError.
    """
    msisdn = msisdn_normalize(msisdn)
    now = timezone.now()
    _ensure_quota(actor=actor, now=now)
    number = _lock_number(msisdn, nowait=True)
    status = number.effective_status(now)
    taking_back = status == Status.FROZEN and number.in_cool_down(now)
    if not taking_back and status != Status.FREE:
        raise NumberUnavailableError(msisdn=msisdn)
    priority = return_priority_latest(customer=customer) if customer is not None else None
    if taking_back:
        _ensure_may_take_back(number=number, customer=customer, priority=priority, now=now)
    lapsed = _active_reservation(number) if number.status == Status.RESERVED else None
    if lapsed is not None:
        _close(lapsed, state=NumberReservation.State.EXPIRED, actor=None, now=now)

    until = now + timedelta(minutes=_reservation_minutes(priority, now))
    if taking_back:
        number.reserve_in_cool_down(until=until)
    else:
        number.reserve(until=until)
    number.save(update_fields=["status", "reserved_until", "updated_at"])
    try:
        with transaction.atomic():
            reservation = NumberReservation.objects.create(
                number=number, reserved_by=actor, hall=actor.hall, customer=customer, reserved_until=until)
    except IntegrityError as exc:  # the partial unique constraint: another live reservation exists
        raise NumberUnavailableError(msisdn=msisdn) from exc
    audit_record(actor=actor, action="number.reserve", target=number,
                 before={"lapsed_reservation": lapsed.pk} if lapsed else None,
                 after={"reservation": reservation.pk, "reserved_until": until.isoformat(),
                        "customer": customer.pk if customer else None}
                 | ({"in_cool_down_until": number.frozen_until.isoformat()}
                    if taking_back and number.frozen_until else {}))
    return reservation


def _ensure_quota(*, actor: Staff, now) -> None:
    """Live reservations per rep and per hall are capped (tariff parameters). The hall's row (else the
    staff row) is locked first, so two counters of one hall cannot both take the last place.
    Raises ReservationQuotaError."""
    # By a statement compiled once per process: building the ORM's locking query at each reservation cost more than
    # making the row's model (issue 20).
    if actor.hall_id is not None:
        lock_by_key(Hall, actor.hall_id)
    else:
        lock_by_key(Staff, actor.pk)
    holders = live_reservation_holders(rep_id=actor.pk, hall_id=actor.hall_id, now=now)  # both counts in one read
    per_rep = tariff("number.max_live_reservations_per_rep")
    held = sum(1 for rep_id, _hall_id in holders if rep_id == actor.pk)
    if held >= per_rep:
        raise ReservationQuotaError(
            _("You already hold %(count)s live reservations, the most one person may: release some, or open the "
              "accounts they are held for, first.") % {"count": held}, limit=per_rep)
    if actor.hall_id is not None:
        per_hall = tariff("number.max_live_reservations_per_hall")
        held = sum(1 for _rep_id, hall_id in holders if hall_id == actor.hall_id)
        if held >= per_hall:
            raise ReservationQuotaError(
                _("This hall already holds %(count)s live reservations, the most it may: release some first.")
                % {"count": held}, limit=per_hall)


def _give_back(number: NumberResource, *, now) -> None:
    """A reservation ended: the number is free again, or cooling down again if it was reserved during its
    cool-down and the cool-down has not ended."""
    if number.in_cool_down(now):
        number.release_to_cool_down()
    else:
        number.release()
    number.save(update_fields=["status", "reserved_until", "frozen_until", "assigned_at", "updated_at"])


@transaction.atomic
def number_release(*, actor: Staff, msisdn: str) -> NumberReservation:
    """Give a reserved number back to the pool. Only the holder or a manager may (a store manager for
    their own hall's reservations). Raises NumberNotFoundError, ReservationNotFoundError, ReservationNotHolderError.
    """
    msisdn = msisdn_normalize(msisdn)
    number = _lock_number(msisdn)
    reservation = _active_reservation(number) if number.status == Status.RESERVED else None
    if reservation is None:
        raise ReservationNotFoundError(msisdn=msisdn)
    if not reservation_may_act_for(actor, reservation):
        raise ReservationNotHolderError(msisdn=msisdn)
    now = timezone.now()
    _close(reservation, state=NumberReservation.State.RELEASED, actor=actor, now=now)
    _give_back(number, now=now)
    audit_record(actor=actor, action="number.release", target=number,
                 before={"reservation": reservation.pk, "reserved_by": reservation.reserved_by_id},
                 after={"status": number.status})
    return reservation


@transaction.atomic
def number_reservation_expire(*, actor: Staff, reservation_id: int) -> NumberReservation | None:
    """Close one reservation whose time is up and free its number (the timed job, item by item).

    Safe to run twice and beside the counters: a number locked right now is skipped (the next run gets
    it), and a reservation that is no longer active and lapsed is left alone. Returns None when skipped.
    """
    reservation = NumberReservation.objects.filter(pk=reservation_id).only("number_id").first()
    if reservation is None:
        return None
    number = (lock(NumberResource.objects.filter(pk=reservation.number_id), skip_locked=True).first())
    if number is None:
        return None
    reservation = NumberReservation.objects.get(pk=reservation_id)
    now = timezone.now()
    if reservation.state != NumberReservation.State.ACTIVE or reservation.reserved_until > now:
        return None
    _close(reservation, state=NumberReservation.State.EXPIRED, actor=None, now=now)
    if number.status == Status.RESERVED:
        _give_back(number, now=now)
    audit_record(actor=actor, action="number.reservation_expire", target=number,
                 before={"reservation": reservation.pk, "reserved_until": reservation.reserved_until.isoformat()},
                 after={"status": number.status})
    return reservation


def number_reservations_expire_due(*, actor: Staff, limit: int = 1000) -> int:
    """Expire every lapsed reservation, each in its own transaction. Returns how many were expired."""
    due = list(NumberReservation.objects.filter(state=NumberReservation.State.ACTIVE,
                                                reserved_until__lte=timezone.now())
               .order_by("reserved_until").values_list("pk", flat=True)[:limit])
    return sum(1 for pk in due if number_reservation_expire(actor=actor, reservation_id=pk) is not None)


@transaction.atomic
def number_assign(*, actor: Staff, msisdn: str, customer=None) -> NumberResource:
    """Turn the live reservation of a number into its assignment to a line (called by the opening of
    an account, inside its own transaction). The reservation must still be live, held by the actor
    (or a manager acting for them) and, when it names a customer, for this customer. A former number
    reserved back during its cool-down is thawed (`frozen_until` cleared) in the same transaction.

    Raises NumberNotFoundError, ReservationNotFoundError, ReservationNotHolderError, ReservationCustomerMismatchError.
    """
    msisdn = msisdn_normalize(msisdn)
    number = _lock_number(msisdn)
    now = timezone.now()
    reservation = _active_reservation(number) if number.status == Status.RESERVED else None
    if reservation is None or not reservation.is_live(now):
        raise ReservationNotFoundError(
            _("The reservation of this number has expired or was released: reserve it again."),
                                  msisdn=msisdn)
    if not reservation_may_act_for(actor, reservation):
        raise ReservationNotHolderError(msisdn=msisdn)
    if customer is not None and reservation.customer_id not in (None, customer.pk):
        raise ReservationCustomerMismatchError(msisdn=msisdn)
    _close(reservation, state=NumberReservation.State.CONVERTED, actor=actor, now=now)
    cool_down = number.frozen_until
    number.assign(when=now)  # a former number taken back during its cool-down is thawed here
    number.save(update_fields=["status", "reserved_until", "frozen_until", "assigned_at", "updated_at"])
    audit_record(actor=actor, action="number.assign", target=number,
                 before={"reservation": reservation.pk}
                 | ({"frozen_until": cool_down.isoformat()} if cool_down else {}),
                 after={"status": number.status, "customer": customer.pk if customer else reservation.customer_id})
    return number


@transaction.atomic
def number_freeze(*, actor: Staff, msisdn: str, reason: str = "", until_cancelled: bool = False) -> NumberResource:
    """Freeze the number of a line that is leaving.

    Pre-cancellation freezes it without an end (`until_cancelled`): it stays the line's while the line
    can still be re-opened. Formal cancellation starts its cool-down (`number.cooldown_days`), whether it
    was assigned or frozen without an end; it returns to the pool when the cool-down is over (the thaw
    job). Raises NumberNotFoundError, NumberStateError.
    """
    msisdn = msisdn_normalize(msisdn)
    number = _lock_number(msisdn)
    before = {"status": number.status, "frozen_until": number.frozen_until.isoformat() if number.frozen_until else None}
    until = None if until_cancelled else timezone.now() + timedelta(days=tariff("number.cooldown_days"))
    if number.status == Status.ASSIGNED:
        number.freeze(until=until)
    elif number.status == Status.FROZEN and number.frozen_until is None and not until_cancelled:
        number.cool_down(until=until)
    else:
        raise NumberStateError(_("Only a number assigned to a line can cool down."), status=number.status)
    number.save(update_fields=["status", "frozen_until", "updated_at"])
    audit_record(actor=actor, action="number.freeze", target=number, before=before,
                 after={"status": number.status, "frozen_until": until.isoformat() if until else None}, reason=reason)
    return number


@transaction.atomic
def number_unfreeze(*, actor: Staff, msisdn: str, reason: str = "") -> NumberResource:
    """A pre-cancelled line is re-opened: its number, frozen without an end, is the line's again.
    Raises NumberNotFoundError, NumberStateError."""
    msisdn = msisdn_normalize(msisdn)
    number = _lock_number(msisdn)
    if number.status != Status.FROZEN or number.frozen_until is not None:
        raise NumberStateError(_("Only the number of a pre-cancelled line can be taken back."), status=number.status)
    number.unfreeze()
    number.save(update_fields=["status", "frozen_until", "updated_at"])
    audit_record(actor=actor, action="number.unfreeze", target=number, before={"status": Status.FROZEN},
                 after={"status": number.status}, reason=reason)
    return number


@transaction.atomic
def number_port_out(*, actor: Staff, msisdn: str, operator: str) -> NumberResource:
    """The number left for another operator (A6): it is theirs and is never sold here again.
    Raises NumberNotFoundError, NumberStateError."""
    msisdn = msisdn_normalize(msisdn)
    number = _lock_number(msisdn)
    if number.status != Status.ASSIGNED:
        raise NumberStateError(status=number.status)
    number.port_out(operator=operator)
    number.save(update_fields=["status", "operator", "updated_at"])
    audit_record(actor=actor, action="number.port_out", target=number, before={"status": Status.ASSIGNED},
                 after={"status": number.status, "operator": operator})
    return number


@transaction.atomic
def number_thaw(*, actor: Staff, number_id: int) -> NumberResource | None:
    """Return one number whose cool-down is over to the free pool (the timed job, item by item).
    Safe to run twice; a number locked right now is skipped. Returns None when nothing was done."""
    number = (lock(NumberResource.objects.filter(pk=number_id), skip_locked=True).first())
    now = timezone.now()
    # No end date means frozen until someone decides otherwise (a pre-cancelled line's number).
    if number is None or number.status != Status.FROZEN or number.frozen_until is None or number.frozen_until > now:
        return None
    before = number.frozen_until
    number.thaw()
    number.save(update_fields=["status", "frozen_until", "assigned_at", "updated_at"])
    audit_record(actor=actor, action="number.thaw", target=number,
                 before={"status": Status.FROZEN, "frozen_until": before.isoformat() if before else None},
                 after={"status": number.status})
    return number


def numbers_thaw_due(*, actor: Staff, limit: int = 5000) -> int:
    """Thaw every number whose cool-down is over, each in its own transaction. Returns how many."""
    due = list(NumberResource.objects.filter(status=Status.FROZEN, frozen_until__lte=timezone.now())
               .order_by("frozen_until").values_list("pk", flat=True)[:limit])
    return sum(1 for pk in due if number_thaw(actor=actor, number_id=pk) is not None)


@transaction.atomic
def number_unassign(*, actor: Staff, msisdn: str, reason: str = "") -> NumberResource:
    """Put back in the free pool a number whose opening was rolled back before the line went live
    (the rollback of a failed provisioning). Raises NumberNotFoundError, NumberStateError."""
    msisdn = msisdn_normalize(msisdn)
    number = _lock_number(msisdn)
    if number.status != Status.ASSIGNED:
        raise NumberStateError(_("Only an assigned number can be put back."), status=number.status)
    number.unassign()
    number.save(update_fields=["status", "assigned_at", "updated_at"])
    audit_record(actor=actor, action="number.unassign", target=number, before={"status": Status.ASSIGNED},
                 after={"status": number.status}, reason=reason)
    return number

"""Queue tickets (取号叫号, process 17): taken at the machine, called by priority, served, measured.

The order of calling: a ticket transferred to this counter first; then any ticket that has waited longer
than `queue.max_wait_minutes` (oldest first, whatever its priority); then big customers by VIP level
(highest first); then by the time taken. Two counters calling at once lock different tickets (SKIP LOCKED),
so one ticket is never called twice.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from boss.audit import audit_record
from boss.errors import IdempotencyKeyReusedError, InvalidInputError
from boss.locks import lock, lock_by_key
from boss.models import Staff
from boss.tariffs import tariff
from customers.errors import BadMobileNumberError, LineNotFoundError
from customers.models import CustomerClass, Line
from customers.selectors import active_class_q, line_get_by_msisdn
from hall.errors import (
    MobileNumberInvalidError,
    NoCounterHallError,
    StillServingError,
    TicketMachineUnknownError,
    TicketNotYoursError,
    TransferTargetInvalidError,
    VipNotRecognisedError,
)
from hall.models import PREFIX, Business, HallDevice, Ticket, TicketSequence
from orders.models import Order


def _vip_recognised(msisdn: str):
    """(customer, VIP level) of the big customer whose live line has this number; (None, 0) otherwise."""
    try:
        line = line_get_by_msisdn(msisdn=msisdn)
    except BadMobileNumberError as exc:
        raise MobileNumberInvalidError() from exc
    except LineNotFoundError:
        return None, 0
    if line.status == Line.Status.CANCELLED:
        return None, 0
    levels = list(CustomerClass.objects.filter(active_class_q(), customer_id=line.customer_id,
                                               kind=CustomerClass.Kind.VIP).values_list("vip_level", flat=True))
    if not levels:
        return None, 0
    return line.customer, max(level or 1 for level in levels)


def ticket_take(*, device: HallDevice, business: str, msisdn: str = "", request_key: str = "") -> Ticket:
    """A customer takes a ticket at the hall's machine (see ticket_take_request)."""
    return ticket_take_request(device=device, business=business, msisdn=msisdn, request_key=request_key)[0]


def ticket_take_request(*, device: HallDevice, business: str, msisdn: str = "",
                        request_key: str = "") -> tuple[Ticket, bool]:
    """A customer takes a ticket at the hall's machine; returns (ticket, replayed). The mobile number, if
    typed, only serves to recognise a big customer; it is not kept.

    `request_key` (the device API's Idempotency-Key): the same key again returns the ticket it printed
    (a machine that lost the answer does not print a second number); the same key for another business is
    refused (IdempotencyKeyReusedError). Requests for one hall, day and business wait on the same sequence row,
    so a repeat is seen after the lock. Raises TicketMachineUnknownError, VipNotRecognisedError,
    MobileNumberInvalidError, InvalidInputError (a bad key)."""
    if not device.active or device.kind != HallDevice.Kind.TICKET_MACHINE:
        raise TicketMachineUnknownError()
    if business not in Business.values:
        raise TicketMachineUnknownError()
    request_key = (request_key or "").strip()
    if len(request_key) > 64 or not request_key.isprintable():
        raise InvalidInputError(_("The request key is not valid."), field="idempotency_key")
    if request_key and (first := _ticket_of_request(device, request_key, business)) is not None:
        return first, True
    msisdn = (msisdn or "").strip()
    customer, level = _vip_recognised(msisdn) if msisdn else (None, 0)
    if business == Business.VIP and customer is None:
        raise VipNotRecognisedError()
    now = timezone.now()
    day = timezone.localdate(now)
    prefix = PREFIX[Business(business)]
    try:
        with transaction.atomic():
            TicketSequence.objects.get_or_create(hall=device.hall, day=day, prefix=prefix)
            sequence = lock(TicketSequence.objects.filter(hall=device.hall, day=day, prefix=prefix)).get()
            if request_key and (first := _ticket_of_request(device, request_key, business)) is not None:
                return first, True   # the same request, committed while this one waited for the lock
            sequence.last += 1
            sequence.save(update_fields=["last"])
            return Ticket.objects.create(
                hall=device.hall, day=day, number=f"{prefix}{sequence.last:03d}", business=business,
                customer=customer, vip_level=level, taken_at=now, device=device, request_key=request_key), False
    except IntegrityError:
        # The key taken meanwhile by a request for another business (another sequence row): refused.
        if request_key and Ticket.objects.filter(device=device, request_key=request_key).exists():
            raise IdempotencyKeyReusedError() from None
        raise


def _ticket_of_request(device: HallDevice, request_key: str, business: str) -> Ticket | None:
    ticket = Ticket.objects.filter(device=device, request_key=request_key).first()
    if ticket is not None and ticket.business != business:
        raise IdempotencyKeyReusedError()
    return ticket


def ticket_people_ahead(ticket: Ticket) -> int:
    """How many waiting tickets of the hall are called before this one (by priority; the longest-wait rule
    can only move this one forward)."""
    if ticket.state != Ticket.State.WAITING:
        return 0
    return (Ticket.objects.filter(hall_id=ticket.hall_id, day=ticket.day, state=Ticket.State.WAITING,
                                  for_staff__isnull=True)
            .filter(Q(vip_level__gt=ticket.vip_level)
                    | Q(vip_level=ticket.vip_level, taken_at__lt=ticket.taken_at)
                    | Q(vip_level=ticket.vip_level, taken_at=ticket.taken_at, pk__lt=ticket.pk))
            .count())


def _counter_hall(actor: Staff):
    if actor.hall_id is None:
        raise NoCounterHallError()
    return actor.hall


def ticket_serving(*, actor: Staff) -> Ticket | None:
    return Ticket.objects.filter(called_by=actor, state=Ticket.State.SERVING).order_by("-called_at").first()


def ticket_call_next(*, actor: Staff, window: str, now=None) -> Ticket | None:
    """Call the next ticket to this counter; None when nobody waits."""
    hall = _counter_hall(actor)
    now = now or timezone.now()
    with transaction.atomic():
        # One call at a time per rep (a double click does not call two customers).
        lock_by_key(Staff, actor.pk)
        serving = ticket_serving(actor=actor)
        if serving is not None:
            raise StillServingError(_("Finish or skip ticket %(number)s first.") % {"number": serving.number},
                                    number=serving.number)
        overdue_since = now - timedelta(minutes=tariff("queue.max_wait_minutes"))
        candidates = (Ticket.objects.filter(hall=hall, day=timezone.localdate(now), state=Ticket.State.WAITING)
                      .filter(Q(for_staff__isnull=True) | Q(for_staff=actor))
                      .annotate(mine=Case(When(for_staff=actor, then=Value(1)), default=Value(0),
                                          output_field=IntegerField()),
                                overdue=Case(When(taken_at__lte=overdue_since, then=Value(1)), default=Value(0),
                                             output_field=IntegerField()),
                                # Among the overdue ones the oldest first, whatever their VIP level.
                                priority=Case(When(taken_at__lte=overdue_since, then=Value(0)),
                                              default=F("vip_level"), output_field=IntegerField()))
                      .order_by("-mine", "-overdue", "-priority", "taken_at", "pk"))
        ticket = lock(candidates, skip_locked=True).first()
        if ticket is None:
            return None
        ticket.call()
        ticket.called_by = actor
        ticket.window = window
        ticket.called_at = ticket.announced_at = now
        ticket.call_count += 1
        if ticket.wait_seconds is None:   # a transferred ticket's wait ended at its first call
            ticket.wait_seconds = max(0, int((now - ticket.taken_at).total_seconds()))
        ticket.for_staff = None
        ticket.save()
        return ticket


def _my_serving(actor: Staff, ticket_id: int) -> Ticket:
    ticket = lock(Ticket.objects.filter(pk=ticket_id)).first()
    if ticket is None or ticket.called_by_id != actor.pk or ticket.state != Ticket.State.SERVING:
        raise TicketNotYoursError()
    return ticket


def ticket_recall(*, actor: Staff, ticket_id: int, now=None) -> Ticket:
    """Call the same ticket again (shown again on the display)."""
    with transaction.atomic():
        ticket = _my_serving(actor, ticket_id)
        ticket.call_count += 1
        ticket.announced_at = now or timezone.now()
        ticket.save(update_fields=["call_count", "announced_at", "updated_at"])
        return ticket


def ticket_skip(*, actor: Staff, ticket_id: int, now=None) -> Ticket:
    """The customer did not come (过号)."""
    with transaction.atomic():
        ticket = _my_serving(actor, ticket_id)
        ticket.skip()
        ticket.finished_at = now or timezone.now()
        ticket.save()
        return ticket


def ticket_transfer(*, actor: Staff, ticket_id: int, to_staff: Staff) -> Ticket:
    """Send the customer to another counter of the hall: the ticket waits for that rep, ahead of others."""
    if (to_staff.pk == actor.pk or to_staff.hall_id != actor.hall_id or not to_staff.is_active
            or not to_staff.has_perm("hall.serve_ticket")):
        raise TransferTargetInvalidError()
    with transaction.atomic():
        ticket = _my_serving(actor, ticket_id)
        ticket.transfer()
        ticket.for_staff = to_staff
        ticket.save()
        audit_record(actor=actor, action="ticket.transfer", target=ticket,
                     after={"number": ticket.number, "to": to_staff.username})
        return ticket


def ticket_finish(*, actor: Staff, ticket_id: int, now=None) -> Ticket:
    """Served. The orders the rep took in this hall while serving the ticket are linked to it: those paid (so
    done for the customer), not a print-and-sign draft left unpaid or abandoned."""
    now = now or timezone.now()
    with transaction.atomic():
        ticket = _my_serving(actor, ticket_id)
        ticket.finish()
        ticket.finished_at = now
        ticket.service_seconds = max(0, int((now - ticket.called_at).total_seconds()))
        ticket.save()
        ticket.orders.add(*Order.objects.filter(actor=actor, hall_id=ticket.hall_id, paid_at__isnull=False,
                                                created_at__gte=ticket.called_at, created_at__lte=now))
        return ticket


def tickets_lapse(*, before_day) -> int:
    """Tickets of past days still waiting are no-shows (the hall has closed); ones still being served are
    finished at the end of their day. Idempotent (the nightly job)."""
    count = 0
    with transaction.atomic():
        for ticket in lock(Ticket.objects.filter(day__lt=before_day, state__in=[Ticket.State.WAITING,
                                                                                 Ticket.State.SERVING])
                           .order_by("pk")):
            end = ticket.called_at or ticket.taken_at
            if ticket.state == Ticket.State.WAITING:
                ticket.lapse()
            else:
                ticket.finish()
                ticket.service_seconds = 0
            ticket.finished_at = end
            ticket.save()
            count += 1
    return count

"""Malicious-user tracing (恶意用户追踪, process 14): a nightly pass over a day's usage records that finds
numbers sending SMS in bulk (SMS per hour, distinct recipients per hour) and abnormal calling (many very
short calls, one-ring calls that are never answered, calls at night in bulk), each over a tariff
threshold; each becomes a suspect with its evidence for a reviewer. Two aggregate queries over the day,
whatever its size; running a day again adds only what is new and never touches a reviewed suspect.
"""

import time
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncHour
from django.utils import timezone

from billing.models import UsageRecord
from boss.audit import audit_record
from boss.errors import NotPermitted
from boss.locks import lock, lock_by_key
from boss.masking import mask_msisdn
from boss.models import Hall, Staff
from boss.tariffs import tariff
from customers.models import Customer, CustomerClass, Line
from customers.services import customer_classify
from orders.services.line_services import line_suspend
from partners.errors import SuspectNotConfirmedError, SuspectStateError
from partners.models import Suspect, TracingRun

Rule = Suspect.Rule
TRACING_USERNAME = "malicious-user-tracing"


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time()))


def tracing_find(day: date) -> tuple[int, dict[tuple[str, int, str], dict]]:
    """(records read, {(msisdn, line id, rule): evidence}) for the day; reads only."""
    start, end = _day_bounds(day)
    day_usage = UsageRecord.objects.filter(started_at__gte=start, started_at__lt=end, direction="out")
    found: dict[tuple[str, int, str], dict] = {}

    sms_max, distinct_max = tariff("tracing.sms_per_hour"), tariff("tracing.sms_distinct_per_hour")
    hours = (day_usage.filter(kind=UsageRecord.Kind.SMS)
             .annotate(hour=TruncHour("started_at")).values("msisdn", "line_id", "hour")
             .annotate(sms=Count("pk"), recipients=Count("other_party", distinct=True))
             .filter(Q(sms__gte=sms_max) | Q(recipients__gte=distinct_max)).order_by("msisdn", "hour"))
    for row in hours:
        key = (row["msisdn"], row["line_id"], Rule.SMS_BULK)
        evidence = found.setdefault(key, {"hours": 0, "sms": 0, "peak_sms": 0, "peak_recipients": 0})
        evidence["hours"] += 1
        evidence["sms"] += row["sms"]
        if row["sms"] > evidence["peak_sms"]:
            evidence["peak_sms"], evidence["peak_hour"] = row["sms"], timezone.localtime(row["hour"]).strftime("%H:00")
        evidence["peak_recipients"] = max(evidence["peak_recipients"], row["recipients"])

    short = tariff("tracing.short_call_seconds")
    limits = {Rule.SHORT_CALLS: tariff("tracing.short_calls_per_day"),
              Rule.ONE_RING: tariff("tracing.one_ring_calls_per_day"), Rule.NIGHT_CALLS: tariff("tracing.night_calls")}
    voice = (day_usage.filter(kind=UsageRecord.Kind.VOICE).values("msisdn", "line_id")
             .annotate(calls=Count("pk"),
                       short_calls=Count("pk", filter=Q(duration_seconds__gt=0, duration_seconds__lte=short)),
                       one_ring=Count("pk", filter=Q(duration_seconds=0)),
                       night_calls=Count("pk", filter=Q(started_at__lt=start + timedelta(hours=6))),
                       callees=Count("other_party", distinct=True))
             .filter(Q(short_calls__gte=limits[Rule.SHORT_CALLS]) | Q(one_ring__gte=limits[Rule.ONE_RING])
                     | Q(night_calls__gte=limits[Rule.NIGHT_CALLS])).order_by("msisdn"))
    for row in voice:
        for rule, field in ((Rule.SHORT_CALLS, "short_calls"), (Rule.ONE_RING, "one_ring"),
                            (Rule.NIGHT_CALLS, "night_calls")):
            if row[field] >= limits[rule]:
                found[(row["msisdn"], row["line_id"], rule)] = {
                    "calls": row["calls"], field: row[field], "callees": row["callees"], "threshold": limits[rule]}
    for (_m, _l, kind), evidence in found.items():
        if kind == Rule.SMS_BULK:
            evidence["threshold"] = sms_max
            evidence["threshold_recipients"] = distinct_max
    return day_usage.count(), found


def tracing_run(*, day: date) -> TracingRun:
    """Find the day's suspects and record them; again for the same day adds only new ones (the evidence
    of a suspect still to review is refreshed; a reviewed one is left as it is)."""
    began = time.monotonic()
    started_at = timezone.now()
    records, found = tracing_find(day)
    halls = dict(Line.objects.filter(pk__in={line_id for _m, line_id, _r in found}).values_list("pk", "hall_id"))
    with transaction.atomic():
        existing = {(s.msisdn, s.rule): s for s in Suspect.objects.filter(day=day)}
        new = []
        for (msisdn, line_id, rule), evidence in found.items():
            suspect = existing.get((msisdn, rule))
            if suspect is None:
                new.append(Suspect(day=day, msisdn=msisdn, line_id=line_id, hall_id=halls[line_id], rule=rule,
                                   evidence=evidence))
            elif suspect.status == Suspect.Status.PENDING and suspect.evidence != evidence:
                Suspect.objects.filter(pk=suspect.pk, status=Suspect.Status.PENDING).update(evidence=evidence)
        Suspect.objects.bulk_create(new, ignore_conflicts=True)   # a concurrent run of the same day adds nothing
        run, _created = TracingRun.objects.update_or_create(day=day, defaults={
            "started_at": started_at, "finished_at": timezone.now(), "records": records,
            "suspects": Suspect.objects.filter(day=day).count(),
            "seconds": Decimal(f"{time.monotonic() - began:.2f}")})
    return run


def _review(*, actor: Staff, suspect: Suspect, status: str, note: str) -> Suspect:
    if not actor.has_perm("partners.review_suspect"):
        raise NotPermitted()
    suspect = lock_by_key(Suspect, suspect.pk)
    if suspect.status != Suspect.Status.PENDING:
        raise SuspectStateError()
    suspect.status, suspect.reviewed_by, suspect.reviewed_at = status, actor, timezone.now()
    suspect.review_note = note.strip()[:200]
    return suspect


@transaction.atomic
def suspect_confirm(*, actor: Staff, suspect: Suspect, note: str, blacklist: bool = False,
                    report: bool = False) -> Suspect:
    """Confirm a suspect: optionally put its owner on our blacklist (with the evidence as the reason) and
    mark it for the public-security report. Raises NotPermitted, SuspectStateError, and the blacklist's
    own refusals (then nothing is written)."""
    if blacklist:   # the customer first: the documented lock order (customer_classify locks it again)
        lock(Customer.objects.all()).get(
            pk=Line.objects.values_list("customer_id", flat=True).get(pk=suspect.line_id))
    suspect = _review(actor=actor, suspect=suspect, status=Suspect.Status.CONFIRMED, note=note)
    if blacklist:
        line = Line.objects.select_related("customer").get(pk=suspect.line_id)
        already = CustomerClass.objects.filter(customer=line.customer, kind=CustomerClass.Kind.BLACKLIST,
                                               revoked_at__isnull=True).exists()
        if not already:
            customer_classify(actor=actor, customer=line.customer, kind=CustomerClass.Kind.BLACKLIST,
                              reason=f"{Rule(suspect.rule).label} {suspect.day:%Y-%m-%d}"[:200])
        suspect.blacklisted = True
    suspect.reported = report
    suspect.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "blacklisted", "reported"])
    audit_record(actor=actor, action="tracing.confirm", target=suspect, reason=suspect.review_note,
                 after={"msisdn": mask_msisdn(suspect.msisdn), "rule": suspect.rule, "blacklist": blacklist,
                        "report": report})
    return suspect


@transaction.atomic
def suspect_dismiss(*, actor: Staff, suspect: Suspect, note: str) -> Suspect:
    """Raises NotPermitted, SuspectStateError."""
    suspect = _review(actor=actor, suspect=suspect, status=Suspect.Status.DISMISSED, note=note)
    suspect.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    audit_record(actor=actor, action="tracing.dismiss", target=suspect, reason=suspect.review_note,
                 after={"msisdn": mask_msisdn(suspect.msisdn), "rule": suspect.rule})
    return suspect


def tracing_actor(*, hall: Hall) -> Staff:
    """The malicious-user tracing as the operator of a suspension a reviewer without a hall decides (it cannot
    log in), placed for this call only (never saved) at the hall that keeps the line."""
    operator, created = Staff.objects.get_or_create(
        username=TRACING_USERNAME, defaults={"is_system": True, "first_name": "恶意用户追踪", "is_active": False})
    if created:
        operator.set_unusable_password()
        operator.save(update_fields=["password"])
    operator.hall = hall
    return operator


@transaction.atomic
def suspect_line_suspend(*, actor: Staff, suspect: Suspect, note: str) -> Suspect:
    """Suspend the line of a confirmed suspect on the operator's decision, through orders' `line_suspend`
    (its order and work order to the network; the line is suspended when the network completes it).
    Once per case; the line's own state rules apply (an already suspended line is refused).
    A reviewer signed in without a hall (the marketing manager) acts through the tracing's system actor placed
    at the line's hall, as the partner channel does for a discount: the order is booked at that hall and
    names the reviewer in its reason; the audit event is the reviewer's.
    Raises NotPermitted, SuspectNotConfirmedError, LineStateError, LineBusyError."""
    if not actor.has_perm("partners.review_suspect"):
        raise NotPermitted()
    # The line first (the one lock order), then the case: one suspension per case.
    lock_by_key(Line, Suspect.objects.values_list("line_id", flat=True).get(pk=suspect.pk))
    suspect = lock_by_key(Suspect, suspect.pk)
    if suspect.status != Suspect.Status.CONFIRMED or suspect.suspension_order_id is not None:
        raise SuspectNotConfirmedError()
    note = " ".join((note or "").split())[:150]
    reason = f"{Rule(suspect.rule).label} {suspect.day:%Y-%m-%d}" + (f" {note}" if note else "")
    operator = actor
    if actor.hall_id is None:
        operator = tracing_actor(hall=suspect.line.hall)
        reason = f"{reason} ({actor.get_username()})"
    order = line_suspend(actor=operator, line=suspect.line, operator_reason=reason)
    suspect.suspension_order = order
    suspect.save(update_fields=["suspension_order"])
    audit_record(actor=actor, action="tracing.suspend", target=suspect, reason=note, hall=order.hall,
                 after={"msisdn": mask_msisdn(suspect.msisdn), "rule": suspect.rule, "order": order.reference})
    return suspect

"""Reads of the partners app: the registry as each actor may see it, the joint blacklist's hits for an
identity (the hook customers.external_blacklist calls), and our own blacklist as published to partners."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from boss.permissions import access_denied
from boss.prepared import Prepared
from boss.tariffs import tariff
from customers.external_blacklist import ExternalBlacklistHit
from customers.models import CustomerClass
from partners.hashing import identity_hash
from partners.models import BlacklistEntry, Partner, PartnerHall


def actor_sees_all_partners(actor) -> bool:
    return actor.has_perm("partners.view_partner") and actor.has_perm("boss.all_halls")


def partner_list_for_actor(*, actor) -> QuerySet[Partner]:
    """Every partner for the back office; an agent hall's staff see only the partner that runs their hall."""
    qs = Partner.objects.exclude(status=Partner.Status.DELETED).annotate(
        hall_count=Count("halls", distinct=True))
    if actor_sees_all_partners(actor):
        return qs
    if actor.hall_id is None:
        return qs.none()
    return qs.filter(halls__hall_id=actor.hall_id)


def partner_get_for_actor(*, actor, pk: int) -> Partner:
    """One partner the actor may see, else 404 (audited when it exists but is another's)."""
    partner = partner_list_for_actor(actor=actor).filter(pk=pk).first()
    if partner is not None:
        return partner
    if Partner.objects.filter(pk=pk).exists():
        access_denied(actor=actor, what=f"partners.partner {pk}")
    raise Http404


def partner_of_hall(hall_id) -> Partner | None:
    link = PartnerHall.objects.select_related("partner").filter(hall_id=hall_id).first()
    return link.partner if link else None


# Every opening and transfer asks: compiled once per process (boss/prepared.py).
_JOINT_BLACKLIST = Prepared(lambda doc_type, number_hash: BlacklistEntry.objects.filter(
    status=BlacklistEntry.Status.ACTIVE, identity_type=doc_type, number_hash=number_hash).exclude(
    partner__status=Partner.Status.DELETED).select_related("partner").order_by("since", "pk"), str, str)


def joint_blacklist_hits(*, doc_type: str, number: str) -> list[ExternalBlacklistHit]:
    """Entries in force about an identity from partners not deleted, in one query."""
    entries = _JOINT_BLACKLIST(doc_type, identity_hash(doc_type, number))
    if not entries:
        return []
    refuses = tariff("partner.blacklist_refuses")
    return [ExternalBlacklistHit(source=e.partner.name, reason=e.reason, since=e.since, refuses=refuses)
            for e in entries]


def published_blacklist(*, changed_since=None) -> QuerySet[CustomerClass]:
    """Our blacklist as partners may read it: every blacklist class, in force or ended (so that removals
    reach the partner), changed since a time when asked."""
    qs = (CustomerClass.objects.filter(kind=CustomerClass.Kind.BLACKLIST)
          .select_related("customer__identity").order_by("updated_at", "pk"))
    if changed_since is not None:
        qs = qs.filter(Q(updated_at__gt=changed_since))
    return qs


def discount_requests_for_actor(*, actor) -> QuerySet:
    """Discount requests the actor may see: all for the back office; at a hall, those of the partner running
    the hall and those for lines kept at the hall (the rep applies approved ones at the counter)."""
    from partners.models import DiscountRequest

    qs = DiscountRequest.objects.select_related("partner", "discount", "line", "order", "decided_by",
                                                "applied_order")
    if actor_sees_all_partners(actor):
        return qs
    if actor.hall_id is None:
        return qs.none()
    return qs.filter(Q(partner__halls__hall_id=actor.hall_id) | Q(line__hall_id=actor.hall_id)).distinct()


def discount_request_get_for_actor(*, actor, pk: int):
    from partners.models import DiscountRequest

    found = discount_requests_for_actor(actor=actor).filter(pk=pk).first()
    if found is not None:
        return found
    if DiscountRequest.objects.filter(pk=pk).exists():
        access_denied(actor=actor, what=f"partners.discountrequest {pk}")
    raise Http404


def tracing_statistics_by_day(suspects: QuerySet, *, start, end) -> QuerySet:
    """Malicious-user tracing by usage day and hall (process 14): suspects found, by rule, and how they were
    reviewed. `suspects` is already scoped to the reader (the tracing screen) or to the report's halls."""
    from partners.models import Suspect

    return (suspects.filter(day__gte=start, day__lte=end)
            .values("day", "hall__code", "hall__name")
            .annotate(total=Count("pk"), **{r: Count("pk", filter=Q(rule=r)) for r in Suspect.Rule.values},
                      confirmed=Count("pk", filter=Q(status=Suspect.Status.CONFIRMED)),
                      dismissed=Count("pk", filter=Q(status=Suspect.Status.DISMISSED)),
                      pending=Count("pk", filter=Q(status=Suspect.Status.PENDING)))
            .order_by("-day", "hall__code"))

"""Reads of complaints, queues, escalations and the knowledge base, scoped to the actor.

Who sees which complaint:
- a department handler (handles, does not review): complaints that were ever with their department or
  one of its district units;
- everyone else: the hall scope of the kernel (hall staff see their hall's complaints; reviewers,
  managers and the other roles spanning halls see all).
"""

from datetime import timedelta

from django.contrib.auth.models import Permission
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from boss.models import Department, Staff
from boss.permissions import get_for_actor, restrict_to_actor
from boss.tariffs import tariff
from complaints.models import Article, ArticleUse, Complaint, ComplaintStep, Escalation
from complaints.services.knowledge import search_normalize
from customers.models import CustomerClass


def vip_flag(customer_ref: str = "customer_id"):
    """True when the customer holds a VIP class valid today (an Exists subquery, no join fan-out)."""
    today = timezone.localdate()
    return Exists(CustomerClass.objects.filter(customer_id=OuterRef(customer_ref), kind=CustomerClass.Kind.VIP,
                                               since__lte=today).filter(Q(until__isnull=True) | Q(until__gte=today)))


def department_tree_ids(department_id: int | None) -> list[int]:
    """The department and its district units."""
    if department_id is None:
        return []
    return [department_id, *Department.objects.filter(parent_id=department_id).values_list("pk", flat=True)]


def _handler_only(actor) -> bool:
    return (actor.has_perm("complaints.handle_complaint") and not actor.has_perm("complaints.review_complaint")
            and not actor.has_perm("complaints.receive_escalation"))


def complaint_scope(qs: QuerySet, *, actor) -> QuerySet:
    if _handler_only(actor):
        tree = department_tree_ids(actor.department_id)
        return qs.filter(Exists(ComplaintStep.objects.filter(complaint=OuterRef("pk"), department_id__in=tree)))
    return restrict_to_actor(qs, actor, hall_field="hall")


def complaint_list_for_actor(*, actor) -> QuerySet[Complaint]:
    qs = (Complaint.objects.select_related("category", "department", "hall", "customer", "line")
          .annotate(is_vip=vip_flag()))
    return complaint_scope(qs, actor=actor)


def complaint_get_for_actor(*, actor, **lookup) -> Complaint:
    """One complaint by pk= or number=; 404 (audited) when outside the actor's scope."""
    qs = Complaint.objects.select_related("category", "department", "service_department", "hall", "customer",
                                          "customer__identity", "line", "taken_by", "answered_by")
    visible = complaint_scope(qs, actor=actor).annotate(is_vip=vip_flag())
    return get_for_actor(qs, actor, visible=visible, **lookup)


def complaint_timeline(complaint: Complaint) -> list[ComplaintStep]:
    """Every step in order, with who, when, what and the escalations (three queries whatever its length)."""
    return list(complaint.steps.select_related("department", "closed_by", "template_article")
                .prefetch_related("escalations").order_by("opened_at", "id"))


def complaint_open_step(complaint: Complaint) -> ComplaintStep | None:
    return complaint.steps.select_related("department").filter(closed_at__isnull=True).first()


def queue_list(*, actor, stage: str) -> QuerySet[ComplaintStep]:
    """The actor's queue for one stage: open steps held by their department, VIP customers first, then
    by due time (earliest first)."""
    qs = (ComplaintStep.objects.filter(closed_at__isnull=True, stage=stage, department_id=actor.department_id)
          .select_related("department", "complaint", "complaint__category", "complaint__customer",
                          "complaint__line")
          .annotate(is_vip=vip_flag("complaint__customer_id"))
          .order_by("-is_vip", "due_at", "pk"))
    return qs if actor.department_id is not None else qs.none()


def queue_counts(*, actor) -> dict[str, int]:
    """Open steps per stage held by the actor's department (one query)."""
    if actor.department_id is None:
        return {}
    rows = (ComplaintStep.objects.filter(closed_at__isnull=True, department_id=actor.department_id)
            .values_list("stage").annotate(n=Count("pk")))
    return dict(rows)


def headed_departments() -> QuerySet:
    """The ids of the departments that have a head: an active holder of complaints.lead_department
    (through a group or directly) in the department itself or, for a district unit, in the department
    above it. A subquery, evaluated inside the query that uses it."""
    perm = Q(content_type__app_label="complaints", codename="lead_department")
    heads = (Staff.objects.filter(is_active=True, department__isnull=False)
             .filter(Q(groups__permissions__in=Permission.objects.filter(perm))
                     | Q(user_permissions__in=Permission.objects.filter(perm)))
             .values("department_id"))
    return Department.objects.filter(Q(pk__in=heads) | Q(parent_id__in=heads)).values("pk")


def escalation_list_for_actor(*, actor, include_acknowledged: bool = False) -> QuerySet[Escalation]:
    """The escalation notices addressed to the actor: level 1 to the head of a department (and of its
    district units), level 2 to managers. A level-1 notice with nobody to receive it (the step has no
    department, or its department has no head) goes to the managers at once instead of waiting for
    level 2."""
    addressed = Q(pk__in=[])
    if actor.has_perm("complaints.receive_escalation"):
        addressed |= Q(level=Escalation.Level.MANAGER)
        addressed |= Q(level=Escalation.Level.DEPARTMENT_HEAD) & ~Q(department_id__in=headed_departments())
    if actor.has_perm("complaints.lead_department") and actor.department_id:
        addressed |= Q(level=Escalation.Level.DEPARTMENT_HEAD) & (
            Q(department_id=actor.department_id) | Q(department__parent_id=actor.department_id))
    qs = (Escalation.objects.filter(addressed)
          .select_related("department", "step", "step__department", "step__complaint",
                          "step__complaint__category", "step__complaint__customer")
          .annotate(is_vip=vip_flag("step__complaint__customer_id")))
    if not include_acknowledged:
        qs = qs.filter(acknowledged_at__isnull=True)
    return qs.order_by("-is_vip", "step__due_at", "pk")


# --------------------------------------------------------------------------------------------------
# Knowledge base
# --------------------------------------------------------------------------------------------------


def _valid_on(qs: QuerySet, day) -> QuerySet:
    return qs.filter(valid_from__lte=day).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))


def _uses_since(days: int):
    since = timezone.now() - timedelta(days=days)
    counted = (ArticleUse.objects.filter(article=OuterRef("pk"), used_at__gte=since).order_by()
               .values("article").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def article_search(*, query: str = "", kind: str | None = None, category_id: int | None = None,
                   include_expired: bool = False) -> QuerySet[Article]:
    """Articles whose title, keywords or text contain every word of the query, anywhere (a word in the
    middle of a Chinese sentence included); valid today unless include_expired.

    Each word is a substring test on the normalised search text. On PostgreSQL a word of three or more
    characters is served by the trigram index (migration 0002). A one- or two-character word (漫游, 套餐
    — common in Chinese) has no trigram: when it is the only word, the query reads the valid articles
    (a few thousand rows: milliseconds, see the report); when the query has a longer word too, that
    word narrows through the index first and the short one filters the few rows left.
    Ordered by: title hit, then use in the last kb.most_used_days days, then newest.
    """
    qs = Article.objects.select_related("category", "author")
    if not include_expired:
        qs = _valid_on(qs, timezone.localdate())
    if kind:
        qs = qs.filter(kind=kind)
    if category_id:
        qs = qs.filter(category_id=category_id)
    words = [search_normalize(w) for w in (query or "").split() if w.strip()][:6]
    for word in words:
        qs = qs.filter(search_text__contains=word)
    qs = qs.annotate(use_count=_uses_since(tariff("kb.most_used_days")))
    if words:
        qs = qs.annotate(title_hit=Case(When(title__icontains=words[0], then=Value(1)), default=Value(0)))
        return qs.order_by("-title_hit", "-use_count", "-updated_at", "-pk")
    return qs.order_by("-use_count", "-updated_at", "-pk")


def article_most_used(*, limit: int = 10) -> list[Article]:
    """The articles used most in answers over the last kb.most_used_days days (valid today)."""
    qs = _valid_on(Article.objects.select_related("category"), timezone.localdate())
    return list(qs.annotate(use_count=_uses_since(tariff("kb.most_used_days"))).filter(use_count__gt=0)
                .order_by("-use_count", "-updated_at")[:limit])


def article_get(*, pk: int) -> Article:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Article.objects.select_related("category", "author"), pk=pk)

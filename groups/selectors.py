from django.db.models import QuerySet

from boss.models import Staff
from boss.permissions import restrict_to_actor
from groups.models import GroupCustomer, VpmnApplication


def vpmn_applications_for_actor(*, actor: Staff) -> QuerySet[VpmnApplication]:
    return restrict_to_actor(VpmnApplication.objects.select_related("group__customer", "hall"), actor,
                             hall_field="hall")


def vpmn_worklist_for_actor(*, actor: Staff) -> QuerySet[VpmnApplication]:
    """What waits for this user: the big-customer room the signed applications (oldest first); a counter the
    drafts to call out and the issued ones to open."""
    qs = vpmn_applications_for_actor(actor=actor)
    if actor.has_perm("groups.issue_vpmn"):
        return qs.filter(state=VpmnApplication.State.SIGNED).order_by("signed_at", "id")
    if actor.has_perm("groups.accept_vpmn"):
        return qs.filter(state__in=[VpmnApplication.State.DRAFT, VpmnApplication.State.ISSUED]).order_by("id")
    return qs.none()


def groups_for_actor(*, actor: Staff) -> QuerySet[GroupCustomer]:
    return restrict_to_actor(GroupCustomer.objects.select_related("customer"), actor, hall_field="hall")

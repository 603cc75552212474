from django.db.models import QuerySet

from boss.models import Staff
from boss.permissions import restrict_to_actor
from groups.models import GroupCustomer, GroupSmsApplication, VpmnApplication


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


def group_sms_applications_for_actor(*, actor: Staff) -> QuerySet[GroupSmsApplication]:
    return restrict_to_actor(GroupSmsApplication.objects.select_related("group__customer", "hall"), actor,
                             hall_field="hall")


def group_sms_worklist_for_actor(*, actor: Staff) -> QuerySet[GroupSmsApplication]:
    """What waits for this user, oldest first: the data-business room the applications to build; the
    big-customer room those to receive, to mail the notice for and to confirm; a counter those to hand over."""
    st = GroupSmsApplication.State
    qs = group_sms_applications_for_actor(actor=actor)
    states: list[str] = []
    if actor.has_perm("groups.build_group_sms_platform"):
        states.append(st.BUILDING)
    if actor.has_perm("groups.handle_group_sms"):
        states += [st.HANDED_OVER, st.PLATFORM_READY, st.NOTICE_SENT]
    if actor.has_perm("groups.accept_group_sms"):
        states.append(st.ACCEPTED)
    return qs.filter(state__in=states).order_by("updated_at", "id") if states else qs.none()

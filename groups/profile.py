"""The group section of an organization's 360 page (customers.profile): the group's number, level, contacts
and account manager, its services (VPMN, group SMS), the current VPMN members, the documents checked and the
group's history; or, for an organization that is not a group yet, the way to register it. A fixed number of
queries whatever the group's size."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from boss.models import AuditEvent
from customers.models import Customer
from customers.profile import Section
from groups.models import GroupCustomer, GroupSmsApplication, VpmnApplication, VpmnMember

MEMBERS_SHOWN = 20
HISTORY_SHOWN = 15


def group_section(*, request, customer) -> Section | None:
    user = request.user
    if customer.kind != Customer.Kind.ORGANIZATION or not user.has_perm("groups.view_groupcustomer"):
        return None
    group = GroupCustomer.objects.select_related("account_manager").filter(customer=customer).first()
    if group is None:
        return Section(title=_("Group business"), template="groups/_customer_group.html",
                       context={"group": None}, order=40)
    vpmn = list(group.vpmn_applications.order_by("-id")[:10])
    sms = list(group.sms_applications.order_by("-id")[:10])
    members = list(VpmnMember.objects.filter(group=group, left_at__isnull=True).order_by("id")
                   .values_list("line__msisdn", "since")[:MEMBERS_SHOWN + 1])
    targets = (Q(target_type="groups.groupcustomer", target_id=str(group.pk))
               | Q(target_type="groups.vpmnapplication", target_id__in=[str(a.pk) for a in vpmn])
               | Q(target_type="groups.groupsmsapplication", target_id__in=[str(a.pk) for a in sms]))
    history = list(AuditEvent.objects.filter(targets).select_related("actor").order_by("-id")[:HISTORY_SHOWN])
    documents = []
    for app, labels in ((vpmn[0] if vpmn else None, VpmnApplication.Document),
                        (sms[0] if sms else None, GroupSmsApplication.Document)):
        if app is not None:
            documents.append((app, [labels(d).label for d in app.documents_checked if d in labels.values]))
    return Section(title=_("Group business"), template="groups/_customer_group.html", order=40, context={
        "group": group, "vpmn": vpmn, "sms": sms, "members": members[:MEMBERS_SHOWN],
        "more_members": len(members) > MEMBERS_SHOWN, "history": history, "documents": documents,
        "vpmn_open": any(a.kind == "new" and a.state == "open" for a in vpmn),
        "sms_in_progress": any(a.state in GroupSmsApplication.ACTIVE_STATES for a in sms)})

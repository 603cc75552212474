"""Announcements and campaigns (信息发布, process 17): entered by managers, shown within their validity."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from boss.audit import audit_record
from boss.models import Staff
from catalog.models import Offer
from hall.errors import AnnouncementInvalidError, AnnouncementNotInForceError
from hall.models import Announcement, AnnouncementAcknowledgement
from hall.selectors import announcements_for_staff


def announcement_publish(*, actor: Staff, title: str, body: str, kind: str, audience: str, valid_from, valid_until,
                         halls=(), offer: Offer | None = None, mandatory: bool = False) -> Announcement:
    """A store manager publishes for their own hall only; a manager (every hall) for chosen halls or all."""
    halls = list(halls)
    if valid_until <= valid_from:
        raise AnnouncementInvalidError(_("The end of the validity must come after its start."), field="valid_until")
    if kind == Announcement.Kind.CAMPAIGN and offer is None:
        raise AnnouncementInvalidError(_("A campaign names the offer it promotes."), field="offer")
    if mandatory and audience == Announcement.Audience.CUSTOMERS:
        raise AnnouncementInvalidError(_("Only announcements for the staff can require an acknowledgement."),
                                       field="mandatory")
    if not actor.spans_halls:
        if actor.hall_id is None or any(h.pk != actor.hall_id for h in halls):
            raise AnnouncementInvalidError(_("You publish for your own hall only."), field="halls")
        halls = [actor.hall]
    with transaction.atomic():
        announcement = Announcement.objects.create(
            title=title, body=body, kind=kind, audience=audience, offer=offer, valid_from=valid_from,
            valid_until=valid_until, mandatory=mandatory, created_by=actor)
        announcement.halls.set(halls)
        audit_record(actor=actor, action="announcement.publish", target=announcement,
                     after={"kind": kind, "audience": audience, "halls": [h.code for h in halls] or "all",
                            "valid_from": valid_from.isoformat(), "valid_until": valid_until.isoformat()})
    return announcement


def announcement_acknowledge(*, actor: Staff, announcement_id: int) -> AnnouncementAcknowledgement:
    """The rep has read an announcement in force for them (idempotent: a second click changes nothing)."""
    announcement = next((a for a in announcements_for_staff(actor=actor) if a.pk == announcement_id), None)
    if announcement is None:
        raise AnnouncementNotInForceError()
    existing = AnnouncementAcknowledgement.objects.filter(announcement=announcement, staff=actor).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return AnnouncementAcknowledgement.objects.create(announcement=announcement, staff=actor)
    except IntegrityError:   # the same rep acknowledged in another tab at the same moment
        return AnnouncementAcknowledgement.objects.get(announcement=announcement, staff=actor)

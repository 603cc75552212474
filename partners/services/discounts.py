"""Channel partners' discount requests through the discount interface (process 13): a partner asks, by its
API key or on the screen, for a discount of the catalogue for a customer's line kept at one of its agent halls
or for an order of one of them; the marketing manager approves or refuses it (a refusal with its reason); an
approved request is applied once, at the counter or through the partner's API, as the line's discount change
(orders' line_discounts_change: its order and audit). Every step audited."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boss.audit import audit_record
from boss.errors import NotPermitted
from boss.locks import lock_by_key
from boss.masking import mask_msisdn
from boss.models import Hall, Staff
from catalog.models import Discount, in_force_q
from customers.models import Line
from orders.models import Order
from orders.services.line_services import line_discounts_change
from partners.errors import DiscountRequestError, DiscountRequestStateError
from partners.models import DiscountRequest, Partner

Status = DiscountRequest.Status
PARTNER_CHANNEL_USERNAME = "partner-channel"
_LIVE = (Line.Status.CANCELLED, Line.Status.PENDING_ACTIVATION)


def partner_channel_actor(*, hall: Hall | None) -> Staff:
    """The partner channel as the operator of a change a partner's system makes (it cannot log in), placed
    for this call only (never saved) at the hall that keeps the line, so the order is booked there."""
    actor, created = Staff.objects.get_or_create(
        username=PARTNER_CHANNEL_USERNAME, defaults={"is_system": True, "first_name": "合作伙伴渠道",
                                                     "is_active": False})
    if created:
        actor.set_unusable_password()
        actor.save(update_fields=["password"])
    actor.hall = hall
    return actor


def _discount_for(code: str, line: Line) -> Discount:
    today = timezone.localdate()
    discount = (Discount.objects.filter(in_force_q(today), active=True, code=(code or "").strip()).first())
    if discount is None or discount.plan_id not in (None, line.plan_id):
        raise DiscountRequestError(_("This discount is not available for the line's plan today."), field="discount")
    return discount


def _target(*, partner: Partner, msisdn: str, order_reference: str) -> tuple[Line, Order | None]:
    msisdn, order_reference = (msisdn or "").strip(), (order_reference or "").strip()
    if bool(msisdn) == bool(order_reference):
        raise DiscountRequestError(_("Give either the mobile number or the order, not both."), field="msisdn")
    if order_reference:
        pk = Order.pk_from_reference(order_reference)
        order = (Order.objects.filter(pk=pk, hall__partner_link__partner=partner).select_related("line").first()
                 if pk else None)
        if order is None or order.line is None:
            raise DiscountRequestError(_("No such order at this partner's agent halls."), field="order")
        line = order.line
    else:
        order = None
        # the same rule as an order: only a line kept at one of the partner's agent halls, and one answer for
        # an unknown number and another hall's line (a partner learns nothing of numbers that are not its own)
        line = (Line.objects.exclude(status__in=_LIVE)
                .filter(msisdn=msisdn, hall__partner_link__partner=partner).first())
        if line is None:
            raise DiscountRequestError(_("No line in service at this partner's agent halls has this number."),
                                       field="msisdn")
    if line.status in _LIVE:
        raise DiscountRequestError(_("The line is not in service."), field="msisdn")
    return line, order


@transaction.atomic
def discount_request_create(*, actor: Staff | None, partner: Partner, discount: str, reason: str,
                            msisdn: str = "", order_reference: str = "", reference: str = "",
                            channel: str = DiscountRequest.Channel.SCREEN) -> DiscountRequest:
    """A channel partner asks for a discount for a line (its number) or an order (its reference). The same
    partner reference again returns the first request (nothing new is written). One open request per line and
    discount. `actor`: the staff member on the screen, None for the partner's system (the caller has checked
    that the actor sees the partner).
    Raises DiscountRequestError (bad number, order, discount or reason; one already open), DiscountRequestStateError
    (the partner is not an active channel partner)."""
    reference = (reference or "").strip()[:40]
    if reference:
        earlier = DiscountRequest.objects.filter(partner=partner, reference=reference).first()
        if earlier is not None:
            return earlier
    if partner.kind != Partner.Kind.CHANNEL or partner.status != Partner.Status.ACTIVE:
        raise DiscountRequestStateError(_("Only an active channel partner may request discounts."))
    line, order = _target(partner=partner, msisdn=msisdn, order_reference=order_reference)
    found = _discount_for(discount, line)
    text = " ".join((reason or "").split())
    if not text:
        raise DiscountRequestError(_("Say why the customer should have this discount."), field="reason")
    if DiscountRequest.objects.filter(line=line, discount=found, status__in=[Status.PENDING, Status.APPROVED]).exists():
        raise DiscountRequestError(_("A request for this discount on this line is already open."), field="discount")
    try:
        with transaction.atomic():
            request = DiscountRequest.objects.create(
                partner=partner, discount=found, line=line, order=order, reason=text[:200], reference=reference,
                channel=channel, requested_by=actor)
    except IntegrityError:   # the same reference or line and discount, sent at the same moment
        earlier = DiscountRequest.objects.filter(partner=partner, reference=reference).first() if reference else None
        if earlier is not None:
            return earlier
        raise DiscountRequestError(_("A request for this discount on this line is already open."),
                                   field="discount") from None
    audit_record(actor=actor, action="partner.discount_request", target=request, reason=request.reason,
                 hall=None if actor is None else actor.hall,
                 after={"partner": partner.interface_number, "discount": found.code, "channel": channel,
                        "msisdn": mask_msisdn(line.msisdn), "order": order.reference if order else ""})
    return request


def _decide(*, actor: Staff, request: DiscountRequest) -> DiscountRequest:
    if not actor.has_perm("partners.decide_discountrequest"):
        raise NotPermitted(_("Only the marketing manager approves or refuses discount requests."))
    request = lock_by_key(DiscountRequest, request.pk)
    if request.status != Status.PENDING:
        raise DiscountRequestStateError(_("This request has already been decided."))
    return request


@transaction.atomic
def discount_request_approve(*, actor: Staff, request: DiscountRequest, note: str = "") -> DiscountRequest:
    """The marketing manager approves a pending request (the discount must still be available for the line's
    plan). Raises NotPermitted, DiscountRequestStateError, DiscountRequestError."""
    request = _decide(actor=actor, request=request)
    line = Line.objects.get(pk=request.line_id)
    _discount_for(Discount.objects.values_list("code", flat=True).get(pk=request.discount_id), line)
    request.status, request.decided_by, request.decided_at = Status.APPROVED, actor, timezone.now()
    request.decision_note = " ".join((note or "").split())[:200]
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    audit_record(actor=actor, action="partner.discount_approve", target=request, reason=request.decision_note,
                 after={"request": request.pk})
    return request


@transaction.atomic
def discount_request_refuse(*, actor: Staff, request: DiscountRequest, note: str) -> DiscountRequest:
    """The marketing manager refuses a pending request, saying why (the partner reads it).
    Raises NotPermitted, DiscountRequestStateError, DiscountRequestError (no reason)."""
    text = " ".join((note or "").split())
    if not text:
        raise DiscountRequestError(_("Say why the request is refused: the partner reads it."), field="note")
    request = _decide(actor=actor, request=request)
    request.status, request.decided_by, request.decided_at = Status.REFUSED, actor, timezone.now()
    request.decision_note = text[:200]
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    audit_record(actor=actor, action="partner.discount_refuse", target=request, reason=request.decision_note,
                 after={"request": request.pk})
    return request


@transaction.atomic
def discount_request_apply(*, actor: Staff, request: DiscountRequest) -> DiscountRequest:
    """Apply an approved request once: the line's discount change on the approval (no customer documents: the
    partner asked for its customer and the marketing manager approved), at the counter by a rep of the line's
    hall or through the partner's API (the partner channel's actor).
    Raises DiscountRequestStateError (not approved, or applied already), the discount change's refusals
    (the line's state, the discount no longer available, the line holds it already)."""
    lock_by_key(Line, DiscountRequest.objects.values_list("line_id", flat=True).get(pk=request.pk))
    request = lock_by_key(DiscountRequest, request.pk)
    if request.status != Status.APPROVED:
        raise DiscountRequestStateError(_("Only an approved request that has not been applied can be applied."))
    discount = Discount.objects.get(pk=request.discount_id)
    partner = Partner.objects.get(pk=request.partner_id)
    order = line_discounts_change(
        actor=actor, line=Line.objects.get(pk=request.line_id), add=[discount.code],
        operator_reason=f"{partner.interface_number} #{request.pk}")
    request.status, request.applied_order, request.applied_at = Status.APPLIED, order, timezone.now()
    request.save(update_fields=["status", "applied_order", "applied_at", "updated_at"])
    audit_record(actor=actor, action="partner.discount_apply", target=request,
                 after={"request": request.pk, "order": order.reference})
    return request

"""What a signed-in customer does on the portal: the counter's own services, with the web channel as the
operator (portal.services.channel) and the customer's sign-in standing for the documents. Each runs once
per form key (boss.idempotency; the key is the customer's own: another customer's key is another key).

Rules and refusals are the counter's (the same service functions); the portal adds only what the web
cannot do: fees that the counter takes in cash (a plan change with a fee is done at a hall), and a limit on
wrong recharge-card PINs per customer.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import PaymentMethod
from boss.audit import audit_record
from boss.idempotency import IdempotentResult, idempotent
from boss.locks import lock
from boss.models import Hall
from boss.money import format_yuan
from boss.tariffs import tariff
from catalog.models import Business, Feature, in_force_q
from catalog.services.quote import quote_price
from complaints.models import Complaint, ComplaintCategory
from complaints.services.workflow import complaint_open
from customers.models import Customer, Line, LineFeature, SecondaryCard
from inventory.errors import RechargeCardInvalidError
from inventory.models import Gift
from loyalty.models import Redemption
from loyalty.services.redemptions import redemption_order, redemption_order_cancel
from orders.errors import SecondaryCardError
from orders.services.fee_collection import line_fee_collect
from orders.services.line_services import line_features_change, line_report_loss, line_unlock
from orders.services.plan_change import line_plan_change, line_plan_change_cancel, plan_change_quote
from orders.services.secondary_cards import line_secondary_add, line_secondary_remove
from portal.errors import PortalActionError, SignInLockedError
from portal.models import SignInFailure
from portal.services.channel import web_actor
from portal.services.limits import hourly_cap_check
from portal.services.signin import _keyed


def _key(customer: Customer, key: str | None) -> str:
    """The customer's own key space; no key stays no key (the idempotency service refuses it)."""
    key = (key or "").strip()
    return f"portal:{customer.pk}:{key[:200]}" if key else ""


def _actor(line: Line):
    return web_actor(hall=line.hall, customer_id=line.customer_id)


def _card_subject(customer: Customer) -> str:
    return _keyed(f"portal-card:{customer.pk}")


def _card_locked(customer: Customer) -> None:
    window = timedelta(minutes=tariff("portal.lockout_minutes"))
    since = timezone.now() - window
    times = list(SignInFailure.objects.filter(subject_kind=SignInFailure.Subject.CARD,
                                              subject=_card_subject(customer), failed_at__gt=since)
                 .values_list("failed_at", flat=True))
    if len(times) >= tariff("portal.max_failures"):
        until = timezone.localtime(max(times) + window)
        raise SignInLockedError(_("Too many wrong recharge-card PINs: recharging is locked until %(time)s.")
                                % {"time": f"{until:%H:%M}"}, until=until.isoformat())


def portal_recharge(*, customer: Customer, line: Line, serial: str, pin: str, key: str) -> IdempotentResult:
    """Recharge the line's account with a recharge card (the fee-collection service: the card used once).
    Raises SignInLockedError (too many wrong PINs), the recharge card's refusals, LineNotServiceableError."""
    _card_locked(customer)
    serial = (serial or "").strip()
    actor = _actor(line)

    def run():
        result = line_fee_collect(actor=actor, line=line, method=PaymentMethod.RECHARGE_CARD,
                                  recharge_serial=serial, recharge_pin=pin)
        return 201, {"payment": result.payment.pk, "amount": str(result.payment.amount)}

    try:
        return idempotent(actor=actor, key=_key(customer, key), scope="portal.recharge",
                          params={"line": line.pk, "serial": serial}, run=run)
    except RechargeCardInvalidError:
        SignInFailure.objects.create(subject_kind=SignInFailure.Subject.CARD, subject=_card_subject(customer))
        raise


def portal_plan_change(*, customer: Customer, line: Line, plan: str, agreed: bool, key: str) -> IdempotentResult:
    """Change the line's plan from the first of next month (the counter's plan change with its rules).
    A change with a fee is refused here: the web takes no cash. Raises PortalActionError, the plan change's
    refusals (pending change, not on sale, below the premium agreement's minimum, line state ...)."""
    actor = _actor(line)

    def run():
        quote = plan_change_quote(line=line, plan_code=plan, immediate=False)
        fees = sum((c.amount for c in quote.charges), start=0)
        if fees:
            raise PortalActionError(
                _("This plan change has a fee of %(fee)s, which is paid at a service hall: change it there.")
                % {"fee": format_yuan(fees)}, field="plan")
        order = line_plan_change(actor=actor, line=line, plan=plan, immediate=False, agreement_signed=agreed)
        return 201, {"order": order.reference, "plan": quote.plan.name,
                     "effective_on": quote.effective_on.isoformat()}

    return idempotent(actor=actor, key=_key(customer, key), scope="portal.plan_change",
                      params={"line": line.pk, "plan": plan, "agreed": bool(agreed)}, run=run)


def portal_plan_change_cancel(*, customer: Customer, line: Line, key: str, agreed: bool = True) -> IdempotentResult:
    """Withdraw the plan change agreed for next month (the counter's service and its refusals)."""
    actor = _actor(line)

    def run():
        order = line_plan_change_cancel(actor=actor, line=line, agreement_signed=agreed)
        return 201, {"order": order.reference}

    return idempotent(actor=actor, key=_key(customer, key), scope="portal.plan_change_cancel",
                      params={"line": line.pk, "agreed": bool(agreed)}, run=run)


def portal_loss(*, customer: Customer, line: Line, agreed: bool, key: str, unlock: bool) -> IdempotentResult:
    """Report the line lost (报失: the network suspends it) or unlock it (解挂): the counter's services with
    their refusals (line state, a network change still running, the agreement not accepted)."""
    actor = _actor(line)
    service, scope = (line_unlock, "portal.unlock") if unlock else (line_report_loss, "portal.report_loss")

    def run():
        order = service(actor=actor, line=line, agreement_signed=agreed)
        return 201, {"order": order.reference}

    return idempotent(actor=actor, key=_key(customer, key), scope=scope,
                      params={"line": line.pk, "agreed": bool(agreed)}, run=run)


@dataclass(frozen=True)
class Forwarding:
    feature: Feature | None      # the catalogue's call forwarding on sale, None when there is none
    held: LineFeature | None     # the line's call forwarding while it is on (settings: to, when)


def forwarding_state(line: Line) -> Forwarding:
    feature = (Feature.objects.filter(in_force_q(timezone.localdate()), kind=Feature.Kind.CALL_FORWARDING,
                                      active=True).order_by("code").first())
    held = (LineFeature.objects.filter(line=line, until__isnull=True, feature__kind=Feature.Kind.CALL_FORWARDING)
            .select_related("feature").first())
    return Forwarding(feature=feature, held=held)


def _features_fee(line: Line, codes: list[str]) -> Decimal:
    held = list(LineFeature.objects.filter(line=line, until__isnull=True).values_list("feature__code", flat=True))
    quote = quote_price(business=Business.FEATURE_CHANGE, product_code=line.plan.code, features=codes, held=held)
    return sum((q.amount for q in quote.lines if q.kind == "fee"), start=Decimal("0"))


def portal_forwarding_set(*, customer: Customer, line: Line, forward_to: str, forward_when: str, agreed: bool,
                          key: str) -> IdempotentResult:
    """Start call forwarding (呼叫转移), or re-set its number and condition while it is on: the counter's
    feature change with its work order. A start with a fee is refused here (paid at a hall). Raises
    PortalActionError, the feature change's refusals (own number, no condition, line state, busy ...)."""
    actor = _actor(line)

    def run():
        state = forwarding_state(line)
        if state.held is not None:
            add: list[str] = []
        elif state.feature is not None:
            add = [state.feature.code]
        else:
            raise PortalActionError(_("Call forwarding is not offered at the moment."), field="forward_to")
        fee = _features_fee(line, add) if add else Decimal("0")
        if fee:
            raise PortalActionError(
                _("Starting this has a fee of %(fee)s, which is paid at a service hall: start it there.")
                % {"fee": format_yuan(fee)}, field="forward_to")
        order = line_features_change(actor=actor, line=line, add=add, forward_to=forward_to,
                                     forward_when=forward_when, agreement_signed=agreed)
        return 201, {"order": order.reference}

    return idempotent(actor=actor, key=_key(customer, key), scope="portal.forwarding_set",
                      params={"line": line.pk, "to": forward_to, "when": forward_when, "agreed": bool(agreed)},
                      run=run)


def portal_forwarding_stop(*, customer: Customer, line: Line, agreed: bool, key: str) -> IdempotentResult:
    """Stop call forwarding (the counter's feature change). Raises PortalActionError when it is not on, and
    the feature change's refusals."""
    actor = _actor(line)

    def run():
        state = forwarding_state(line)
        if state.held is None:
            raise PortalActionError(_("Call forwarding is not on for this line."))
        order = line_features_change(actor=actor, line=line, remove=[state.held.feature.code],
                                     agreement_signed=agreed)
        return 201, {"order": order.reference}

    return idempotent(actor=actor, key=_key(customer, key), scope="portal.forwarding_stop",
                      params={"line": line.pk, "agreed": bool(agreed)}, run=run)


def portal_secondary_add(*, customer: Customer, line: Line, secondary: Line, agreed: bool,
                         key: str) -> IdempotentResult:
    """Make another of the customer's own lines a secondary card of `line` (the counter's service and its
    refusals: the plan's limit, the other line's state and payment, a card elsewhere ...). The view offers
    only the customer's own lines, so no other customer's number is ever tried or named."""
    actor = _actor(line)

    def run():
        order = line_secondary_add(actor=actor, line=line, secondary=secondary.msisdn, agreement_signed=agreed)
        return 201, {"order": order.reference, "secondary": secondary.msisdn}

    return idempotent(actor=actor, key=_key(customer, key), scope="portal.secondary_add",
                      params={"line": line.pk, "secondary": secondary.pk, "agreed": bool(agreed)}, run=run)


def portal_secondary_remove(*, customer: Customer, line: Line, secondary: str, agreed: bool,
                            key: str) -> IdempotentResult:
    """End a secondary card of `line` (the counter's service). A number that is not one of the line's cards
    now gets one answer whether or not it exists (the web looks up no other number), then the service."""
    actor = _actor(line)

    def run():
        if not SecondaryCard.objects.filter(primary=line, secondary__msisdn=secondary, until__isnull=True).exists():
            raise SecondaryCardError(_("%(msisdn)s is not a secondary card of this line.") % {"msisdn": secondary},
                                     msisdn=secondary)
        order = line_secondary_remove(actor=actor, line=line, secondary=secondary, agreement_signed=agreed)
        return 201, {"order": order.reference, "secondary": secondary}

    return idempotent(actor=actor, key=_key(customer, key), scope="portal.secondary_remove",
                      params={"line": line.pk, "secondary": secondary, "agreed": bool(agreed)}, run=run)


def portal_complaint_categories(*, kind: str | None = None):
    """What a customer may file on the web (of one kind, or both: the API lists each with its kind)."""
    qs = ComplaintCategory.objects.filter(active=True, starts_refund=False)
    return (qs.filter(kind=kind) if kind else qs).order_by("code")


def portal_suggestion_category() -> ComplaintCategory | None:
    """The category a suggestion (建议) from the web form is filed under (complaints' migration makes one)."""
    return portal_complaint_categories(kind=ComplaintCategory.Kind.SUGGESTION).first()


def portal_complaint(*, customer: Customer, line: Line, category: ComplaintCategory, description: str,
                     key: str) -> IdempotentResult:
    """File a complaint or a suggestion by the web channel: it goes to branch customer service's queue like
    any other. Raises ComplaintInputError, ComplaintConfigurationError."""
    actor = _actor(line)

    def run():
        now = timezone.now()
        lock(Customer.objects.filter(pk=customer.pk)).values_list("pk", flat=True).first()  # one at a time
        hourly_cap_check(
            times=list(Complaint.objects.filter(customer=customer, channel=Complaint.Channel.WEB,
                                                received_at__gt=now - timedelta(hours=1))
                       .values_list("received_at", flat=True)),
            cap=tariff("portal.complaints_per_hour"), now=now,
            message=_("Too many complaints and suggestions filed within the hour: the next can be filed at "
                      "%(time)s, or call customer service."))
        complaint = complaint_open(actor=actor, channel=Complaint.Channel.WEB, category=category,
                                   description=description, msisdn=line.msisdn, customer=customer)
        return 201, {"complaint": complaint.pk, "number": complaint.number}

    return idempotent(actor=actor, key=_key(customer, key), scope="portal.complaint",
                      params={"line": line.pk, "category": category.pk, "description": description}, run=run)


def portal_gift_order(*, customer: Customer, line: Line, gift: Gift, hall: Hall, key: str) -> IdempotentResult:
    """Order a points gift online for pick-up at a redemption hall: the counter's redemption service with its
    refusals (redemption hall, line state, blacklist, the gift's dates and stock there, the points); the
    points and the gift are set aside until `points.pickup_days` have passed."""
    actor = _actor(line)

    def run():
        redemption = redemption_order(actor=actor, line=line, gift=gift, hall=hall)
        return 201, {"redemption": redemption.pk, "number": redemption.number,
                     "pickup_until": redemption.pickup_until}

    return idempotent(actor=actor, key=_key(customer, key), scope="portal.gift_order",
                      params={"line": line.pk, "gift": gift.pk, "hall": hall.pk}, run=run)


def portal_gift_order_cancel(*, customer: Customer, redemption: Redemption, key: str) -> IdempotentResult:
    """Cancel an order not collected yet: the points and the gift go back. Raises RedemptionStateError."""
    actor = web_actor(hall=redemption.hall, customer_id=customer.pk)

    def run():
        done = redemption_order_cancel(actor=actor, redemption=redemption,
                                       reason=_("Cancelled by the customer online."))
        return 201, {"redemption": done.pk, "points_given_back": done.points_given_back}

    return idempotent(actor=actor, key=_key(customer, key), scope="portal.gift_order_cancel",
                      params={"redemption": redemption.pk}, run=run)


@transaction.atomic
def portal_sign_out(*, customer: Customer, line_id: int | None) -> None:
    """Audit the customer's sign-out (the session itself is flushed by the view)."""
    line = Line.objects.filter(pk=line_id, customer=customer).select_related("hall").first()
    audit_record(actor=web_actor(hall=line.hall if line else None), action="portal.signout",
                 target=line or customer)

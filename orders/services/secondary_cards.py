"""Secondary cards (主副卡, process 10's business changes): another line of the same owner shares the
primary line's plan allowance.

- Added and removed at the counter on the primary line's screen (or by the API), with the documents and
  the signed agreement like every change; no counter fee; the sharing is a billing matter (rating, and
  each card's monthly fee on the primary's bill: billing/rating_rules.py), so no work order goes to the
  network. The customer is told that monthly fee before signing (`card_fee`: the quote beside the form, the
  draft's screen, the agreement, the portal), read from the add-on the bill charges
  (billing.services.charges.secondary_card_addon).
- The primary's main plan says how many secondary cards it takes (`Plan.max_secondary_cards`; 0: none).
- Who may be a secondary card: another line **of the same customer** (the owner adds their own lines; a
  family member's line is transferred to the owner first, so the one who pays for the allowance is the one
  who signs), active, paid the same way as the primary (both prepaid real-time or both billed monthly:
  the pool is charged in one way), not already a secondary card of any line, and not itself a primary
  with secondary cards. The primary must be active and not itself a secondary card.
- Both lines are locked (in id order) before anything is read, so two counters adding the last allowed
  secondary card to one primary are served one after the other and the second is refused; the database
  allows a line to be the secondary of one primary at a time.
- A secondary card shares from the day it is added through the day it is removed (billing/rating_rules.py,
  "Secondary cards"). What happens to secondary cards when the primary (or the secondary) changes state is
  in docs/line-states.md: `secondary_cards_detach` is called by the services that end the sharing.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.services.charges import secondary_card_addon
from boss.audit import audit_record
from boss.errors import DomainError
from boss.locks import lock
from boss.models import Staff
from customers.models import Line, SecondaryCard
from customers.selectors import line_get_by_msisdn
from orders.errors import SecondaryCardError, SecondaryCardLimitError
from orders.models import Order
from orders.services.documents import AgentInput, documents_check
from orders.services.lifecycle import ensure_state, line_audit, order_finish, order_open

K = Order.Kind
S = Line.Status
R = SecondaryCard.EndReason


def secondary_cards_of(line: Line) -> list[SecondaryCard]:
    """The secondary cards attached to the line now, oldest first."""
    return list(SecondaryCard.objects.filter(primary=line, until__isnull=True).select_related("secondary")
                .order_by("since", "pk"))


def primary_of(line: Line) -> SecondaryCard | None:
    """The membership that makes the line a secondary card now, or None."""
    return SecondaryCard.objects.filter(secondary=line, until__isnull=True).select_related("primary").first()


def line_sharing(line: Line) -> tuple[list[SecondaryCard], SecondaryCard | None]:
    """For the line's screen, in one query: its secondary cards now (as a primary), and the membership that
    makes it a secondary card (or None)."""
    rows = list(SecondaryCard.objects.filter(Q(primary=line) | Q(secondary=line), until__isnull=True)
                .select_related("primary", "secondary").order_by("since", "pk"))
    return [c for c in rows if c.primary_id == line.pk], next((c for c in rows if c.secondary_id == line.pk), None)


def card_fee(*, on_date) -> dict:
    """The monthly fee each secondary card costs its primary line from `on_date`, as the agreement and the
    screens show it: {"card_fee": "10.00", "card_fee_name": add-on name}, or {} when the cards cost nothing
    (no add-on in force, or a free one)."""
    addon = secondary_card_addon(first=on_date)
    if addon is None or addon.monthly_fee <= 0:
        return {}
    return {"card_fee": str(addon.monthly_fee), "card_fee_name": addon.name}


def _lock_pair(first: Line, second: Line) -> tuple[Line, Line]:
    """Both lines under their row locks, in id order (one order everywhere), then read with what the rules
    need (not locked: boss/locks.py)."""
    list(lock(Line.objects.filter(pk__in=[first.pk, second.pk]).order_by("pk")))
    rows = Line.objects.select_related("customer__identity", "account", "plan", "hall").in_bulk([first.pk, second.pk])
    return rows[first.pk], rows[second.pk]


def _secondary_find(msisdn: str) -> Line:
    try:
        return line_get_by_msisdn(msisdn=msisdn or "")
    except DomainError as exc:
        raise SecondaryCardError(exc.message, msisdn=msisdn) from None


def _eligible(primary: Line, secondary: Line) -> None:
    """The rules of who may share; each refusal says why (the lines locked)."""
    limit = primary.plan.max_secondary_cards
    if limit <= 0:
        raise SecondaryCardLimitError(
            _("The plan %(plan)s takes no secondary cards: change to a plan that does first.")
            % {"plan": primary.plan.name}, plan=primary.plan.code, limit=0)
    as_secondary = primary_of(primary)
    if as_secondary is not None:
        raise SecondaryCardError(
            _("%(msisdn)s is itself a secondary card of %(primary)s: a secondary card cannot have secondary cards.")
            % {"msisdn": primary.msisdn, "primary": as_secondary.primary.msisdn}, field="line",
            primary=as_secondary.primary.msisdn)
    if secondary.pk == primary.pk:
        raise SecondaryCardError(_("A line cannot be its own secondary card: enter another number of the customer."))
    if secondary.customer_id != primary.customer_id:
        raise SecondaryCardError(
            _("%(msisdn)s belongs to another customer: only the owner's own lines can share this line's plan (a "
              "family member's line is transferred to the owner first).") % {"msisdn": secondary.msisdn},
            msisdn=secondary.msisdn)
    if secondary.status != S.ACTIVE:
        raise SecondaryCardError(
            _("%(msisdn)s is “%(state)s”: only an active line can become a secondary card.")
            % {"msisdn": secondary.msisdn, "state": secondary.get_status_display()},
            msisdn=secondary.msisdn, status=secondary.status)
    current = primary_of(secondary)
    if current is not None:
        raise SecondaryCardError(
            _("%(msisdn)s is already a secondary card of %(primary)s: remove it there first.")
            % {"msisdn": secondary.msisdn, "primary": current.primary.msisdn},
            msisdn=secondary.msisdn, primary=current.primary.msisdn)
    if SecondaryCard.objects.filter(primary=secondary, until__isnull=True).exists():
        raise SecondaryCardError(
            _("%(msisdn)s has secondary cards of its own: a primary line cannot become a secondary card.")
            % {"msisdn": secondary.msisdn}, msisdn=secondary.msisdn)
    if secondary.account.realtime_prepaid != primary.account.realtime_prepaid:
        raise SecondaryCardError(
            _("%(msisdn)s is paid differently (prepaid or billed monthly) from the primary line: both lines must "
              "be paid the same way.") % {"msisdn": secondary.msisdn}, msisdn=secondary.msisdn)
    count = SecondaryCard.objects.filter(primary=primary, until__isnull=True).count()
    if count >= limit:
        raise SecondaryCardLimitError(
            _("The plan %(plan)s takes at most %(limit)s secondary cards and this line has %(count)s: remove one "
              "first, or change to a plan that takes more.") % {"plan": primary.plan.name, "limit": limit,
                                                                "count": count},
            plan=primary.plan.code, limit=limit, count=count)


@transaction.atomic
def line_secondary_add(*, actor: Staff, line: Line, secondary: str, documents_checked=(),
                       agent: AgentInput | None = None, agreement_signed: bool = False) -> Order:
    """Attach the line numbered `secondary` to `line` as a secondary card from today.

    Raises LineStateError, SecondaryCardError, SecondaryCardLimitError, DocumentsMissingError,
    AgreementNotSignedError."""
    found = _secondary_find(secondary)
    primary, other = _lock_pair(line, found)
    ensure_state(primary, K.SECONDARY_ADD)
    _eligible(primary, other)
    documents, agent_identity = documents_check(actor=actor, customer=primary.customer, agent=agent,
                                                documents_checked=documents_checked)
    today = timezone.localdate()
    order = order_open(actor=actor, kind=K.SECONDARY_ADD, line=primary, documents=documents, agent=agent_identity,
                       agreement_signed=agreement_signed,
                       details={"secondary": other.msisdn, "plan": primary.plan.code, "plan_name": primary.plan.name,
                                "since": today.isoformat(), "limit": primary.plan.max_secondary_cards,
                                **card_fee(on_date=today)})
    card = SecondaryCard.objects.create(primary=primary, secondary=other, since=today, added_by=order.reference)
    order_finish(order=order)
    line_audit(actor=actor, order=order, line=primary, action="line.secondary.add",
               after={"secondary": other.msisdn, "since": today.isoformat(), "card": card.pk})
    return order


@transaction.atomic
def line_secondary_remove(*, actor: Staff, line: Line, secondary: str, documents_checked=(),
                          agent: AgentInput | None = None, agreement_signed: bool = False) -> Order:
    """Detach a secondary card of `line` (it shares through today, then uses its own plan's allowance).

    Raises LineStateError, SecondaryCardError, DocumentsMissingError, AgreementNotSignedError."""
    found = _secondary_find(secondary)
    primary, other = _lock_pair(line, found)
    ensure_state(primary, K.SECONDARY_REMOVE)
    card = lock(SecondaryCard.objects.filter(primary=primary, secondary=other, until__isnull=True)).first()
    if card is None:
        raise SecondaryCardError(_("%(msisdn)s is not a secondary card of this line.") % {"msisdn": other.msisdn},
                                 msisdn=other.msisdn)
    documents, agent_identity = documents_check(actor=actor, customer=primary.customer, agent=agent,
                                                documents_checked=documents_checked)
    today = timezone.localdate()
    order = order_open(actor=actor, kind=K.SECONDARY_REMOVE, line=primary, documents=documents, agent=agent_identity,
                       agreement_signed=agreement_signed,
                       details={"secondary": other.msisdn, "plan_name": primary.plan.name,
                                "since": card.since.isoformat(), "until": today.isoformat()})
    _end(card, until=today, reason=R.REMOVED, reference=order.reference)
    order_finish(order=order)
    line_audit(actor=actor, order=order, line=primary, action="line.secondary.remove",
               before={"secondary": other.msisdn, "since": card.since.isoformat()}, after={"until": today.isoformat()})
    return order


def secondary_cards_detach(*, actor: Staff, line: Line, reason: str, reference: str = "") -> list[SecondaryCard]:
    """End the sharing the line takes part in, as a primary (its secondary cards go back to their own plans)
    or as a secondary card, in the caller's transaction (the line locked): a pre-cancellation, a formal
    cancellation, a port-out or a transfer of the line (docs/line-states.md). Today is the last shared day.
    Each ended card is audited on both lines. Returns the cards ended."""
    today = timezone.localdate()
    cards = list(lock(SecondaryCard.objects.filter(Q(primary=line) | Q(secondary=line), until__isnull=True)
                      .order_by("pk")))
    for card in cards:
        as_primary = card.primary_id == line.pk
        end = {
            (True, "left"): R.PRIMARY_LEFT, (True, "transferred"): R.PRIMARY_TRANSFERRED,
            (False, "left"): R.SECONDARY_LEFT, (False, "transferred"): R.SECONDARY_TRANSFERRED,
        }[(as_primary, reason)]
        _end(card, until=today, reason=end, reference=reference)
        for target in (card.primary, card.secondary):
            audit_record(actor=actor, action="line.secondary.detach", target=target, reason=str(end.label),
                         before={"primary": card.primary.msisdn, "secondary": card.secondary.msisdn,
                                 "since": card.since.isoformat()},
                         after={"until": today.isoformat(), "end_reason": end.value, "order": reference})
    return cards


def secondary_limit_check(*, line: Line, plan) -> None:
    """A plan change must leave room for the line's secondary cards: refused (SecondaryCardLimitError, at
    the plan field) when the new plan takes fewer than the line has."""
    count = SecondaryCard.objects.filter(primary=line, until__isnull=True).count()
    if count > plan.max_secondary_cards:
        raise SecondaryCardLimitError(
            _("The plan %(plan)s takes at most %(limit)s secondary cards and this line has %(count)s: remove "
              "secondary cards first.") % {"plan": plan.name, "limit": plan.max_secondary_cards, "count": count},
            field="plan", plan=plan.code, limit=plan.max_secondary_cards, count=count)


def _end(card: SecondaryCard, *, until, reason: str, reference: str) -> None:
    card.until = max(until, card.since)
    card.end_reason = reason
    card.ended_by = reference[:40]
    card.save(update_fields=["until", "end_reason", "ended_by", "updated_at"])

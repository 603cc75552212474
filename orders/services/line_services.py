"""Comprehensive services (综合业务, process 10): each a service function creating an order.

Network changes (loss, unlock, suspension, resumption, features, long distance, roaming, SIM, number)
write their work order in the service's transaction and change the line when the network confirms
(the `on_network_done` functions below); a roll back gives back the fees and what was taken from stock.
Changes of data only (customer data, payment method, discounts, handset purchase, invoice reprint) are
done at once. Every change checks the documents and records the signed agreement (免填单); queries
(the line screen, the portability check, the itemised bill) need neither and create no order.
"""

from collections.abc import Sequence
from decimal import Decimal

import django_fsm as fsm
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from billing.models import Document
from billing.selectors import account_money
from billing.services.documents import document_print
from billing.services.settlement import deposit_release
from boss.audit import audit_record
from boss.errors import DomainError
from boss.locks import lock, lock_by_key
from boss.models import Staff
from boss.tariffs import tariff
from catalog.errors import FeatureUnavailableError
from catalog.models import Business, Discount, Feature, PaymentMethod, in_force_q
from catalog.services.quote import quote_price
from customers.identity import contact_phone_normalize, msisdn_normalize
from customers.models import (
    Account,
    Customer,
    CustomerIdentity,
    ForwardWhen,
    Line,
    LineCommitment,
    LineDiscount,
    LineFeature,
)
from customers.passwords import service_password_hash
from customers.services import agent_identity_record
from customers.services.accounts import BankDetails, account_payment_method_set
from customers.services.commitments import (
    commitment_audit,
    commitment_until,
    line_commitment_start,
    line_commitments_end,
)
from customers.services.customers import customer_rename, customer_update
from customers.services.lines import line_service_password_set
from inventory.errors import HandsetUnavailableError
from inventory.models import Handset, SimCard
from inventory.services.numbers import number_assign, number_freeze, number_unassign
from inventory.services.stock import sim_card_assign, sim_card_return
from orders.errors import (
    BankDetailsError,
    BankNotConfirmedError,
    CorporateAccountError,
    DocumentNotFoundError,
    GuaranteeNotSignedError,
    NothingToDoError,
)
from orders.models import Order
from orders.services.documents import AgentInput, documents_check
from orders.services.lifecycle import (
    Charge,
    ensure_not_busy,
    ensure_state,
    feature_is_international_roaming,
    line_audit,
    line_lock,
    on_network_done,
    on_network_undone,
    order_collect,
    order_finish,
    order_open,
)
from orders.services.open_account import _live_reservation
from orders.services.order_links import order_commitments_link
from provisioning.models import WorkOrder

K = Order.Kind
D = Order.Document
A = WorkOrder.Action


def _open_features(line: Line) -> list[LineFeature]:
    return list(line.line_features.select_related("feature").filter(until__isnull=True))


def _network_change(*, actor: Staff, line: Line, kind: str, transition: str | None, action: str, payload: dict,
                    documents_checked, agent, agreement_signed: bool, charges: Sequence[Charge] = (),
                    method: str = "cash", tendered=None, details: dict | None = None, prepare=None,
                    operator_reason: str = "") -> Order:
    """The shape of every network change: lock, state, one change at a time, documents, order, money,
    work order, audit. `prepare(line, order)` takes what the change needs from stock (in the same
    transaction) and may add to the work order's payload. `operator_reason`: the operator's own decision
    (a line confirmed as malicious, process 14): the customer is not at the counter, so no documents and
    no agreement; the reason goes on the order."""
    line = line_lock(line)
    ensure_state(line, kind, getattr(line, transition) if transition else None)
    ensure_not_busy(line)
    signed: bool | None = agreement_signed
    if operator_reason:
        documents, agent_identity, signed = [], None, None
        details = {**(details or {}), "operator_reason": operator_reason}
    else:
        documents, agent_identity = documents_check(actor=actor, customer=line.customer, agent=agent,
                                                    documents_checked=documents_checked)
    order = order_open(actor=actor, kind=kind, line=line, documents=documents, agent=agent_identity,
                       agreement_signed=signed, charges=charges, details={"before": line.status, **(details or {})})
    if prepare is not None:
        payload = {**payload, **(prepare(line, order) or {})}
    payment = order_collect(actor=actor, order=order, account=line.account, line=line, charges=charges,
                            method=method, tendered=tendered)
    order_finish(order=order, payment=payment.payment if payment else None,
                 work_order={"action": action, "payload": payload, "msisdn": line.msisdn})
    line_audit(actor=actor, order=order, line=line, action=f"line.{kind}.request", before={"status": line.status},
               after={"work_order": action, **{k: v for k, v in (details or {}).items()
                                               if k not in ("features", "settings")}})
    return order


def _transition_applier(transition: str):
    def apply(*, actor: Staff, order, line):
        method = getattr(line, transition)
        before = line.status
        if not fsm.can_proceed(method):
            # The line moved meanwhile (e.g. suspended for arrears): keep the BOSS state and say so.
            audit_record(actor=actor, action="line.network_mismatch", target=line,
                         after={"order": order.pk, "transition": transition, "status": line.status})
            return
        method()
        line.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action=f"line.{order.kind}", target=line, before={"status": before},
                     after={"status": line.status, "order": order.pk})
    return apply


# --------------------------------------------------------------------------------------------------
# Loss and unlock, suspension and resumption (报失/报开, 报停/复机)
# --------------------------------------------------------------------------------------------------

_TRANSITIONS = {K.REPORT_LOSS: ("report_loss", A.SUSPEND, "loss"), K.UNLOCK: ("unlock", A.RESUME, "unlock"),
                K.SUSPEND: ("suspend_on_request", A.SUSPEND, "request"),
                K.RESUME: ("resume_on_request", A.RESUME, "request")}
for _kind, (_transition, _action, _reason) in _TRANSITIONS.items():
    on_network_done(_kind)(_transition_applier(_transition))


def _state_change(kind: str, *, actor, line, documents_checked, agent, agreement_signed,
                  operator_reason: str = "") -> Order:
    transition, action, reason = _TRANSITIONS[Order.Kind(kind)]
    return _network_change(actor=actor, line=line, kind=kind, transition=transition, action=action,
                           payload={"reason": "operator" if operator_reason else reason},
                           documents_checked=documents_checked, agent=agent, agreement_signed=agreement_signed,
                           operator_reason=operator_reason)


@transaction.atomic
def line_report_loss(*, actor: Staff, line: Line, documents_checked=(), agent: AgentInput | None = None,
                     agreement_signed: bool = False) -> Order:
    """Report a line lost (报失): from active or suspended on request; the network suspends it and the
    line becomes "suspended: reported lost". Raises LineStateError, LineBusyError, DocumentsMissingError,
    AgreementNotSignedError."""
    return _state_change(K.REPORT_LOSS, actor=actor, line=line, documents_checked=documents_checked, agent=agent,
                         agreement_signed=agreement_signed)


@transaction.atomic
def line_unlock(*, actor: Staff, line: Line, documents_checked=(), agent: AgentInput | None = None,
                agreement_signed: bool = False) -> Order:
    """Unlock a line reported lost (报开): the network resumes it and it is active again.
    Raises LineStateError, LineBusyError, DocumentsMissingError, AgreementNotSignedError."""
    return _state_change(K.UNLOCK, actor=actor, line=line, documents_checked=documents_checked, agent=agent,
                         agreement_signed=agreement_signed)


@transaction.atomic
def line_suspend(*, actor: Staff, line: Line, documents_checked=(), agent: AgentInput | None = None,
                 agreement_signed: bool = False, operator_reason: str = "") -> Order:
    """Suspend an active line on the customer's request (报停), or on the operator's own decision with its
    `operator_reason` (a line confirmed as malicious, partners' tracing): then without the customer's
    documents or agreement; the customer resumes it at a hall with their documents.
    Raises LineStateError, LineBusyError, DocumentsMissingError, AgreementNotSignedError."""
    return _state_change(K.SUSPEND, actor=actor, line=line, documents_checked=documents_checked, agent=agent,
                         agreement_signed=agreement_signed, operator_reason=operator_reason.strip()[:200])


@transaction.atomic
def line_resume(*, actor: Staff, line: Line, documents_checked=(), agent: AgentInput | None = None,
                agreement_signed: bool = False) -> Order:
    """Resume a line suspended on request (复机). A line suspended for arrears is restored by paying.
    Raises LineStateError, LineBusyError, DocumentsMissingError, AgreementNotSignedError."""
    return _state_change(K.RESUME, actor=actor, line=line, documents_checked=documents_checked, agent=agent,
                         agreement_signed=agreement_signed)


# --------------------------------------------------------------------------------------------------
# Features, long distance, international roaming (功能变更, 长途级别, 国际漫游)
# --------------------------------------------------------------------------------------------------


def _features_map(line: Line, *, add: Sequence[Feature], remove: Sequence[Feature], settings: dict) -> dict:
    """The line's whole feature set as the network takes it: {code: True, or the feature's settings}."""
    held = {lf.feature.code: lf.settings for lf in _open_features(line)}
    codes = set(held) - {f.code for f in remove} | {f.code for f in add}
    return {code: settings.get(code) or held.get(code) or True for code in sorted(codes)}


def _feature_change(*, actor: Staff, line: Line, kind: str, add: Sequence[Feature], remove: Sequence[Feature],
                    documents_checked, agent, agreement_signed, charges=(), method="cash", tendered=None,
                    details: dict | None = None, settings: dict | None = None) -> Order:
    settings = settings or {}
    if not add and not remove and not settings:
        raise NothingToDoError()
    return _network_change(
        actor=actor, line=line, kind=kind, transition=None, action=A.SET_FEATURES,
        payload={"features": _features_map(line, add=add, remove=remove, settings=settings)},
        documents_checked=documents_checked, agent=agent, agreement_signed=agreement_signed, charges=charges,
        method=method, tendered=tendered,
        details={"add": [f.code for f in add], "remove": [f.code for f in remove], **(details or {}),
                 **({"settings": settings} if settings else {})})


def _apply_features(*, actor: Staff, order, line):
    today = timezone.localdate()
    remove, add = order.details.get("remove", []), order.details.get("add", [])
    LineFeature.objects.filter(line=line, feature__code__in=remove, until__isnull=True).update(
        until=today, updated_at=timezone.now())
    held = set(LineFeature.objects.filter(line=line, until__isnull=True).values_list("feature__code", flat=True))
    LineFeature.objects.bulk_create([LineFeature(line=line, feature=f, since=today)
                                     for f in Feature.objects.filter(code__in=add).exclude(code__in=held)])
    for code, settings in (order.details.get("settings") or {}).items():
        LineFeature.objects.filter(line=line, feature__code=code, until__isnull=True).update(
            settings=settings, updated_at=timezone.now())
    release = Decimal(order.details.get("deposit_release", "0"))
    if release > 0:
        held_deposit = account_money(line.account).deposit
        if min(release, held_deposit) > 0:
            deposit_release(actor=actor, account=line.account, amount=min(release, held_deposit),
                            reference=order.reference, memo=line.msisdn)
    audit_record(actor=actor, action=f"line.{order.kind}", target=line, after={"order": order.pk, "add": add,
                                                                              "remove": remove})


for _kind in (K.FEATURE_CHANGE, K.LONG_DISTANCE, K.ROAMING_OPEN, K.ROAMING_CLOSE):
    on_network_done(_kind)(_apply_features)


def _special(feature: Feature) -> bool:
    return feature_is_international_roaming(feature) or feature.kind == Feature.Kind.LONG_DISTANCE


def _forwarding(*, line: Line, adding: list[Feature], held: dict, remove: Sequence[str], forward_to: str,
                forward_when: str) -> dict:
    """Call forwarding's settings ({code: {"to", "when"}}) when it is started or re-set, else {}. Starting it
    needs the number to forward to and when (nothing is assumed for the customer); a number already
    forwarding takes new settings through the same change.
    Raises DomainError (no forwarding on the line, missing condition), BadContactNumberError."""
    starting = [f for f in adding if f.kind == Feature.Kind.CALL_FORWARDING]
    kept = [f for c, f in held.items() if f.kind == Feature.Kind.CALL_FORWARDING and c not in remove]
    if not starting and not (forward_to or forward_when):
        return {}
    target = (starting or kept or [None])[0]
    if target is None:
        raise DomainError(_("Call forwarding is not on this line: choose it among the features to start."),
                          field="forward_to")
    if not (forward_to or "").strip():
        raise DomainError(_("Enter the number calls are forwarded to."), field="forward_to")
    to = contact_phone_normalize(forward_to)
    if to == line.msisdn:
        raise DomainError(_("Calls cannot be forwarded to the line's own number."), field="forward_to")
    if forward_when not in ForwardWhen.values:
        raise DomainError(_("Choose when calls are forwarded."), field="forward_when")
    settings = {"to": to, "when": forward_when}
    if target not in starting and _held_settings(line, target.code) == settings:
        return {}
    return {target.code: settings}


def _held_settings(line: Line, code: str) -> dict:
    lf = LineFeature.objects.filter(line=line, feature__code=code, until__isnull=True).first()
    return lf.settings if lf is not None else {}


@transaction.atomic
def line_features_change(*, actor: Staff, line: Line, add: Sequence[str] = (), remove: Sequence[str] = (),
                         forward_to: str = "", forward_when: str = "", documents_checked=(),
                         agent: AgentInput | None = None, agreement_signed: bool = False,
                         method: str = "cash", tendered=None) -> Order:
    """Start and stop features (开/停功能, 功能变更): call forwarding (呼叫转移: the number and when, also
    re-set while it is on), caller ID, voicemail ... Long distance and international roaming have their
    own services (levels, deposit and guarantee). Fees of the catalog for feature changes are collected.
    The network's work order carries the whole feature set with call forwarding's settings.

    Raises NothingToDoError, FeatureUnavailableError, DomainError and BadContactNumberError (call
    forwarding's number and condition), LineStateError, LineBusyError, DocumentsMissingError,
    AgreementNotSignedError, TenderedTooLittleError.
    """
    line_now = Line.objects.select_related("plan").get(pk=line.pk)
    held = {lf.feature.code: lf.feature for lf in _open_features(line_now)}
    today = timezone.localdate()
    adding = list(Feature.objects.filter(in_force_q(today), active=True, code__in=[c for c in add if c not in held]))
    removing = [held[c] for c in remove if c in held]
    unknown = set(add) - {f.code for f in adding} - set(held)
    if unknown or any(_special(f) for f in adding + removing):
        raise FeatureUnavailableError(_("Choose features on sale; long distance and international roaming have their "
                                   "own services."), feature=",".join(sorted(unknown)))
    settings = _forwarding(line=line_now, adding=adding, held=held, remove=remove, forward_to=forward_to,
                           forward_when=forward_when)
    with translation.override("zh-hans"):
        quote = quote_price(business=Business.FEATURE_CHANGE, product_code=line_now.plan.code,
                            features=[f.code for f in adding], held=list(held))
    charges = [Charge(q.code, q.item, "fee", q.amount, fee_type=q.fee_type)
               for q in quote.lines if q.kind == "fee"]
    return _feature_change(actor=actor, line=line, kind=K.FEATURE_CHANGE, add=adding, remove=removing,
                           documents_checked=documents_checked, agent=agent, agreement_signed=agreement_signed,
                           charges=charges, method=method, tendered=tendered, settings=settings)


@transaction.atomic
def line_long_distance_set(*, actor: Staff, line: Line, level: int, documents_checked=(),
                           agent: AgentInput | None = None,
                           agreement_signed: bool = False) -> Order:
    """Change the long-distance level (更改长/国际长途级别): 0 none, 1 domestic, 2 international.
    Raises FeatureUnavailableError (no feature of that level on sale), NothingToDoError, LineStateError,
    LineBusyError, DocumentsMissingError, AgreementNotSignedError."""
    current = [lf.feature for lf in _open_features(line) if lf.feature.kind == Feature.Kind.LONG_DISTANCE]
    target = None
    if level:
        target = (Feature.objects.filter(in_force_q(timezone.localdate()), active=True,
                                         kind=Feature.Kind.LONG_DISTANCE, level=level).order_by("code").first())
        if target is None:
            raise FeatureUnavailableError(_("No long-distance service of this level is on sale."), field="level")
    if [f.code for f in current] == ([target.code] if target else []):
        raise NothingToDoError(_("The line already has this long-distance level."), field="level")
    return _feature_change(actor=actor, line=line, kind=K.LONG_DISTANCE, add=[target] if target else [],
                           remove=current, documents_checked=documents_checked, agent=agent,
                           agreement_signed=agreement_signed, details={"level": level})


def _roaming_feature() -> Feature:
    for feature in Feature.objects.filter(in_force_q(timezone.localdate()), active=True).order_by("code"):
        if feature_is_international_roaming(feature):
            return feature
    raise FeatureUnavailableError(_("International roaming is not on sale."))


@transaction.atomic
def line_roaming_open(*, actor: Staff, line: Line, guarantee_signed: bool, documents_checked=(),
                      agent: AgentInput | None = None, agreement_signed: bool = False, method: str = "cash",
                      tendered=None) -> Order:
    """Open international roaming (开国际漫游): the deposit (`roaming.deposit`, held, receipted) and the
    customer's signed guarantee, except for a corporate account, which needs neither.
    Raises FeatureUnavailableError, NothingToDoError (already open), GuaranteeNotSignedError, LineStateError,
    LineBusyError, DocumentsMissingError, AgreementNotSignedError, TenderedTooLittleError."""
    feature = _roaming_feature()
    account = Account.objects.get(pk=line.account_id)
    if any(feature_is_international_roaming(lf.feature) for lf in _open_features(line)):
        raise NothingToDoError(_("International roaming is already open on this line."))
    charges = []
    if not account.corporate:
        if not guarantee_signed:
            raise GuaranteeNotSignedError()
        with translation.override("zh-hans"):
            charges.append(Charge("roaming.deposit", _("Deposit for %(feature)s") % {"feature": feature.name},
                                  "deposit", tariff("roaming.deposit")))
    return _feature_change(actor=actor, line=line, kind=K.ROAMING_OPEN, add=[feature], remove=[],
                           documents_checked=documents_checked, agent=agent, agreement_signed=agreement_signed,
                           charges=charges, method=method, tendered=tendered,
                           details={"guarantee_signed": bool(guarantee_signed)})


@transaction.atomic
def line_roaming_close(*, actor: Staff, line: Line, documents_checked=(), agent: AgentInput | None = None,
                       agreement_signed: bool = False) -> Order:
    """Close international roaming (停国际漫游). When the network confirms, the roaming deposit (at most
    `roaming.deposit`, at most what the account holds) returns to the prepaid balance, refundable with
    it at cancellation. Raises NothingToDoError, LineStateError, LineBusyError, DocumentsMissingError,
    AgreementNotSignedError."""
    roaming = [lf.feature for lf in _open_features(line) if feature_is_international_roaming(lf.feature)]
    if not roaming:
        raise NothingToDoError(_("International roaming is not open on this line."))
    release = min(tariff("roaming.deposit"), account_money(line.account).deposit)
    return _feature_change(actor=actor, line=line, kind=K.ROAMING_CLOSE, add=[], remove=roaming,
                           documents_checked=documents_checked, agent=agent, agreement_signed=agreement_signed,
                           details={"deposit_release": str(release)})


# --------------------------------------------------------------------------------------------------
# SIM replacement and number change (补卡/换卡, 改号)
# --------------------------------------------------------------------------------------------------


@transaction.atomic
def line_sim_replace(*, actor: Staff, line: Line, sim_capacity: str, iccid: str = "", documents_checked=(),
                     agent: AgentInput | None = None, agreement_signed: bool = False, method: str = "cash",
                     tendered=None) -> Order:
    """Replace or change the SIM card (补卡/换卡): the card fee of the catalog, a new card from the hall's
    stock (scanned, or the next one of the capacity), the change on the network; when it completes the
    line has the new ICCID and the old card is invalidated.
    Raises SimCardUnavailableError, LineStateError, LineBusyError, DocumentsMissingError,
    AgreementNotSignedError, TenderedTooLittleError."""
    line_now = Line.objects.select_related("plan").get(pk=line.pk)
    with translation.override("zh-hans"):
        quote = quote_price(business=Business.SIM_REPLACEMENT, product_code=line_now.plan.code,
                            sim_capacity=sim_capacity)
    charges = [Charge(q.code, q.item, "fee", q.amount, fee_type=q.fee_type)
               for q in quote.lines if q.kind == "fee"]
    discount = -sum((q.amount for q in quote.lines if q.kind == "discount"), Decimal("0.00"))
    charges = _discounted(charges, discount)

    def take_card(line, order):
        sim = sim_card_assign(actor=actor, iccid=iccid, capacity=sim_capacity)
        order.details.update(new_iccid=sim.iccid, old_iccid=line.iccid, sim_capacity=sim_capacity)
        order.save(update_fields=["details", "updated_at"])
        return {"iccid": sim.iccid, "imsi": sim.imsi}

    return _network_change(actor=actor, line=line, kind=K.SIM_REPLACEMENT, transition=None, action=A.CHANGE_SIM,
                           payload={}, documents_checked=documents_checked, agent=agent,
                           agreement_signed=agreement_signed, charges=charges, method=method, tendered=tendered,
                           prepare=take_card)


def _discounted(charges: list[Charge], discount: Decimal) -> list[Charge]:
    """The quote's discounts lower the fees they were quoted against, in order (never below zero)."""
    out = []
    for c in charges:
        off = min(c.amount, discount)
        discount -= off
        if c.amount - off > 0:
            out.append(Charge(c.code, c.item, c.kind, c.amount - off, c.fee_type))
    return out


@on_network_done(K.SIM_REPLACEMENT)
def _sim_replaced(*, actor: Staff, order, line):
    old = lock(SimCard.objects.filter(iccid=order.details.get("old_iccid") or "-")).first()
    if old is not None and old.status == SimCard.Status.ASSIGNED:
        old.invalidate()
        old.save(update_fields=["status", "updated_at"])
    line.iccid = order.details["new_iccid"]
    line.save(update_fields=["iccid", "updated_at"])
    audit_record(actor=actor, action="line.sim_replacement", target=line,
                 before={"iccid": order.details.get("old_iccid")}, after={"iccid": line.iccid, "order": order.pk})


@on_network_undone(K.SIM_REPLACEMENT)
def _sim_not_replaced(*, actor: Staff, order, line, reason):
    if order.details.get("new_iccid"):
        sim_card_return(actor=actor, iccid=order.details["new_iccid"], reason=reason)


@transaction.atomic
def line_number_change(*, actor: Staff, line: Line, new_msisdn: str, documents_checked=(),
                       agent: AgentInput | None = None,
                       agreement_signed: bool = False, method: str = "cash", tendered=None) -> Order:
    """Change the line's number (改号) to a number the rep has reserved for this customer: the new number is
    taken at once (no one else can sell it); when the network completes, the line has the new number and
    the old one starts its cool-down. Fees of the catalog for number changes (e.g. premium numbers).
    Raises ReservationNotFoundError, ReservationNotHolderError, ReservationCustomerMismatchError, NumberNotFoundError,
    LineStateError, LineBusyError, DocumentsMissingError, AgreementNotSignedError, TenderedTooLittleError."""
    new_msisdn = msisdn_normalize(new_msisdn)
    line_now = Line.objects.select_related("plan", "customer").get(pk=line.pk)
    reservation = _live_reservation(actor=actor, msisdn=new_msisdn, customer=line_now.customer)
    with translation.override("zh-hans"):
        quote = quote_price(business=Business.NUMBER_CHANGE, product_code=line_now.plan.code,
                            grade=reservation.number.grade)
    charges = [Charge(q.code, q.item, "fee", q.amount, fee_type=q.fee_type)
               for q in quote.lines if q.kind == "fee"]

    def take_number(line, order):
        number_assign(actor=actor, msisdn=new_msisdn, customer=line.customer)
        order.details.update(new_msisdn=new_msisdn, old_msisdn=line.msisdn,
                             agreement_months=quote.agreement_months,
                             min_monthly_spend=str(quote.min_monthly_spend),
                             grade=quote.grade.name if quote.grade is not None else "")
        order.save(update_fields=["details", "updated_at"])
        return {"new_msisdn": new_msisdn}

    return _network_change(actor=actor, line=line, kind=K.NUMBER_CHANGE, transition=None, action=A.CHANGE_MSISDN,
                           payload={}, documents_checked=documents_checked, agent=agent,
                           agreement_signed=agreement_signed, charges=charges, method=method, tendered=tendered,
                           prepare=take_number)


@on_network_done(K.NUMBER_CHANGE)
def _number_changed(*, actor: Staff, order, line):
    """The line has the new number from today: the old number's agreement (its minimum spend) ends, the new
    one's starts (a premium number's, as quoted and signed at the counter), in this same transaction."""
    old = line.msisdn
    today = timezone.localdate()
    line.msisdn = order.details["new_msisdn"]
    months = order.details.get("agreement_months") or 0
    # The agreement went with the old number: a number without one leaves the line unbound.
    line.premium_agreement_until = commitment_until(since=today, months=months) if months else None
    line.save(update_fields=["msisdn", "premium_agreement_until", "updated_at"])
    Order.objects.filter(pk=order.pk).update(msisdn=line.msisdn)
    number_freeze(actor=actor, msisdn=old, reason="number_change")
    ended = line_commitments_end(line=line, reason=LineCommitment.EndReason.NUMBER_CHANGE, on=today)
    started = line_commitment_start(line=line, msisdn=line.msisdn, since=today,
                                    monthly_amount=Decimal(order.details.get("min_monthly_spend") or "0"),
                                    agreement_months=months, grade_name=order.details.get("grade", ""))
    order_commitments_link(order, started=started, ended=ended)
    commitments = {**({"commitment_ended": [commitment_audit(c) for c in ended]} if ended else {}),
                   **({"commitment": commitment_audit(started)} if started else {})}
    audit_record(actor=actor, action="line.number_change", target=line, before={"msisdn": old},
                 after={"msisdn": line.msisdn, "order": order.pk, **commitments})


@on_network_undone(K.NUMBER_CHANGE)
def _number_not_changed(*, actor: Staff, order, line, reason):
    if order.details.get("new_msisdn"):
        number_unassign(actor=actor, msisdn=order.details["new_msisdn"], reason=reason)


# --------------------------------------------------------------------------------------------------
# Data changes: customer data, payment method, discounts; handset purchase; invoice reprint
# --------------------------------------------------------------------------------------------------


def _data_change(*, actor: Staff, line: Line, kind: str, documents_checked, agent, agreement_signed, extra_documents=(),
                 details=None, charges=(), method="cash", tendered=None, account=None,
                 operator_reason: str = "") -> tuple[Line, Order]:
    """Lock, check and open the order of a change done at once (no network). `operator_reason`: as in
    `_network_change`, a change on the operator's decision without the customer's documents or agreement."""
    line = line_lock(line)
    ensure_state(line, kind)
    signed: bool | None = agreement_signed
    if operator_reason:
        documents, agent_identity, signed = [], None, None
        details = {**(details or {}), "operator_reason": operator_reason}
    else:
        documents, agent_identity = documents_check(actor=actor, customer=line.customer, agent=agent,
                                                    documents_checked=documents_checked, extra=extra_documents)
    order = order_open(actor=actor, kind=kind, line=line, documents=documents, agent=agent_identity,
                       agreement_signed=signed, charges=charges, details=details or {})
    return line, order


@transaction.atomic
def line_customer_data_change(*, actor: Staff, line: Line, name: str | None = None, contact_phone: str | None = None,
                              contact_address: str | None = None, service_password: str | None = None,
                              documents_checked=(), agent: AgentInput | None = None,
                              agreement_signed: bool = False) -> Order:
    """Change the owner's data (改名, 改联系方式, 改服务密码) through the customers app's services: a new
    name is the name on the presented document (an individual's also needs a copy of it); the contact
    number cannot be removed; the service password is 6 digits, not trivial, stored hashed. This process
    checks the documents, records the agreement and audits the order.

    Raises NothingToDoError, CustomerIncompleteError (empty name), BadContactNumberError, ServicePasswordError,
    LineStateError, DocumentsMissingError, AgreementNotSignedError.
    """
    lock_by_key(Customer, line.customer_id)
    customer = Customer.objects.select_related("identity").get(pk=line.customer_id)
    changed = []
    if name is not None and not name.strip():
        raise DomainError(_("Enter the name exactly as on the document."), field="name")
    if name is not None and " ".join(name.split()) != customer.name:
        changed.append("name")
    phone = contact_phone_normalize(contact_phone) if contact_phone is not None and contact_phone.strip() else None
    if phone is not None and phone != customer.contact_phone:
        changed.append("contact_phone")
    address = (" ".join(contact_address.split())[:200]
               if contact_address is not None and contact_address.strip() else None)
    if address is not None and address != customer.contact_address:
        changed.append("contact_address")
    if service_password:
        service_password_hash(service_password, identity_number=customer.identity.number)  # refuse before writing
        changed.append("service_password")
    if not changed:
        raise NothingToDoError()
    changed = sorted(c for c in changed if c != "service_password") + [c for c in changed if c == "service_password"]
    if "name" in changed:  # the rename locks the identity too: before the line (the one lock order)
        lock_by_key(CustomerIdentity, customer.identity_id)
    line, order = _data_change(actor=actor, line=line, kind=K.CUSTOMER_DATA, documents_checked=documents_checked,
                               agent=agent, agreement_signed=agreement_signed,
                               extra_documents=[D.ID_COPY] if "name" in changed and
                               customer.kind == Customer.Kind.INDIVIDUAL else [],
                               details={"changed": changed})
    if "name" in changed and name is not None:
        customer_rename(actor=actor, customer=customer, name=name)
    if "contact_phone" in changed or "contact_address" in changed:
        customer_update(actor=actor, customer=customer, contact_phone=phone if "contact_phone" in changed else None,
                        contact_address=address if "contact_address" in changed else None)
    if service_password:
        line_service_password_set(line=line, password=service_password)
    order_finish(order=order)
    line_audit(actor=actor, order=order, line=line, action="line.customer_data", after={"changed": changed})
    return order


@transaction.atomic
def line_payment_method_change(*, actor: Staff, line: Line, payment_method: str, bank_code: str = "",
                               account_number: str = "", account_holder: str = "", holder_doc_type: str = "",
                               holder_doc_number: str = "", confirmed_by: str = "", documents_checked=(),
                               agent: AgentInput | None = None, agreement_signed: bool = False) -> Order:
    """Change how the line's account pays (更改缴费方式, 改帐务): cash (real-time prepaid), bank collection
    from a private account (passbook and the holder's ID checked, the holder's identity recorded), or an
    organization's corporate account (seal card checked, confirmed by phone with the bank). The account
    keeps its money and history.

    Raises BankDetailsError, BankNotConfirmedError, CorporateAccountError, DocumentsMissingError,
    LineStateError, AgreementNotSignedError, the holder's identity errors.
    """
    if payment_method not in PaymentMethod.values:
        raise DomainError(_("Choose a payment method."), field="payment_method")
    extra = {PaymentMethod.BANK: [D.PASSBOOK, D.HOLDER_ID],
             PaymentMethod.CORPORATE: [D.SEAL_CARD]}.get(PaymentMethod(payment_method)) or []
    line_now = Line.objects.select_related("customer").get(pk=line.pk)
    if payment_method == PaymentMethod.CORPORATE and line_now.customer.kind != Customer.Kind.ORGANIZATION:
        raise CorporateAccountError()
    bank = None
    if payment_method != PaymentMethod.CASH:
        if not (bank_code.strip() and account_number.strip() and account_holder.strip()):
            raise BankDetailsError()
        if payment_method == PaymentMethod.CORPORATE and not confirmed_by.strip():
            raise BankNotConfirmedError()
        if payment_method == PaymentMethod.BANK and not (holder_doc_type and holder_doc_number):
            raise BankDetailsError(_("A private account needs the account holder's identity document."),
                                   field="holder_doc_number")
    line, order = _data_change(actor=actor, line=line, kind=K.PAYMENT_METHOD, documents_checked=documents_checked,
                               agent=agent, agreement_signed=agreement_signed, extra_documents=extra,
                               details={"payment_method": payment_method})
    account = lock_by_key(Account, line.account_id)
    before = {"payment_method": account.payment_method, "corporate": account.corporate}
    if payment_method != PaymentMethod.CASH:
        holder = (agent_identity_record(actor=actor, doc_type=holder_doc_type, number=holder_doc_number,
                                        name=account_holder) if payment_method == PaymentMethod.BANK else None)
        bank = BankDetails(bank_code=bank_code.strip(), account_number=account_number.strip(),
                           account_holder=account_holder.strip(), holder_identity=holder,
                           confirmed_by=confirmed_by.strip()[:100])
    account_payment_method_set(account=account, bank=bank, corporate=payment_method == PaymentMethod.CORPORATE)
    order_finish(order=order)
    line_audit(actor=actor, order=order, line=line, action="line.payment_method", before=before,
               after={"payment_method": account.payment_method, "corporate": account.corporate,
                      "bank_account": account.masked_bank_account})
    return order


@transaction.atomic
def line_discounts_change(*, actor: Staff, line: Line, add: Sequence[str] = (), remove: Sequence[str] = (),
                          documents_checked=(), agent: AgentInput | None = None,
                          agreement_signed: bool = False, operator_reason: str = "") -> Order:
    """Grant or end discounts of the line (优惠变更): discounts on sale today for this plan; an ended one
    keeps its history (until = today). `operator_reason`: a discount granted on the operator's decision (a
    partner's discount request the marketing manager approved), without the customer's documents.
    Raises NothingToDoError, DomainError (a discount not available), LineStateError,
    DocumentsMissingError, AgreementNotSignedError."""
    line_now = Line.objects.select_related("plan").get(pk=line.pk)
    today = timezone.localdate()
    held = set(LineDiscount.objects.filter(line=line_now, until__isnull=True).values_list("discount__code", flat=True))
    available = {d.code: d for d in Discount.objects.filter(in_force_q(today), active=True, code__in=list(add))
                 if d.plan_id in (None, line_now.plan_id)}
    adding = [available[c] for c in dict.fromkeys(add) if c in available and c not in held]
    if set(add) - set(available):
        raise DomainError(_("This discount is not available for the line's plan today."), field="add",
                          discounts=sorted(set(add) - set(available)))
    removing = [c for c in dict.fromkeys(remove) if c in held]
    if not adding and not removing:
        raise NothingToDoError()
    line, order = _data_change(actor=actor, line=line, kind=K.DISCOUNT_CHANGE, documents_checked=documents_checked,
                               agent=agent, agreement_signed=agreement_signed,
                               details={"add": [d.code for d in adding], "remove": removing},
                               operator_reason=operator_reason.strip()[:200])
    LineDiscount.objects.filter(line=line, discount__code__in=removing, until__isnull=True).update(
        until=today, updated_at=timezone.now())
    LineDiscount.objects.bulk_create([LineDiscount(line=line, discount=d, since=today) for d in adding])
    order_finish(order=order)
    line_audit(actor=actor, order=order, line=line, action="line.discount_change", after=order.details)
    return order


@transaction.atomic
def line_handset_sell(*, actor: Staff, line: Line, imei: str, documents_checked=(), agent: AgentInput | None = None,
                      agreement_signed: bool = False, method: str = "cash", tendered=None) -> Order:
    """Sell a handset from the hall's stock to the line's customer (购买机身): its model's price, invoiced.
    Raises HandsetUnavailableError, LineStateError, DocumentsMissingError, AgreementNotSignedError,
    TenderedTooLittleError."""
    # Priced from a read; locked after the line (the one lock order) and checked again there.
    in_stock = Handset.objects.filter(imei=(imei or "").strip(), hall_id=actor.hall_id)
    handset = in_stock.first()
    if handset is None or handset.status != Handset.Status.IN_STOCK:
        raise HandsetUnavailableError(imei=(imei or "")[:15])
    with translation.override("zh-hans"):
        item = _("Handset %(model)s (IMEI %(imei)s)") % {"model": str(handset.model), "imei": handset.imei}
    charges = [Charge("handset", item, "fee", handset.model.price, fee_type="handset")]
    line, order = _data_change(actor=actor, line=line, kind=K.HANDSET_SALE, documents_checked=documents_checked,
                               agent=agent, agreement_signed=agreement_signed, charges=charges,
                               details={"imei": handset.imei, "model": handset.model.code})
    payment = order_collect(actor=actor, order=order, account=line.account, line=line, charges=charges,
                            method=method, tendered=tendered)
    handset = lock(in_stock).first()
    if handset is None or handset.status != Handset.Status.IN_STOCK:
        raise HandsetUnavailableError(imei=(imei or "")[:15])   # sold at another counter meanwhile: all rolls back
    handset.sell(when=timezone.now())
    handset.save(update_fields=["status", "sold_at", "updated_at"])
    order_finish(order=order, payment=payment.payment if payment else None)
    line_audit(actor=actor, order=order, line=line, action="line.handset_sale",
               after={"imei": handset.imei, "price": str(handset.model.price)})
    return order


@transaction.atomic
def line_invoice_reprint(*, actor: Staff, line: Line, document: Document, reason: str) -> tuple[Order, object]:
    """Reprint an invoice or receipt of this line's customer (补打发票): the print is recorded as a copy and
    audited; the paper says 补打. Returns the order and the print.
    Raises DocumentNotFoundError, DomainError (no reason), LineStateError."""
    line = line_lock(line)
    ensure_state(line, K.INVOICE_REPRINT)
    if document.customer_id != line.customer_id and document.msisdn != line.msisdn:
        raise DocumentNotFoundError(document=document.pk)
    if not (reason or "").strip():
        raise DomainError(_("Say why the document is printed again."), field="reason")
    order = order_open(actor=actor, kind=K.INVOICE_REPRINT, line=line,
                       details={"document": document.pk, "number": document.display_number})
    printed = document_print(actor=actor, document=document, reason=reason.strip())
    order_finish(order=order)
    return order, printed

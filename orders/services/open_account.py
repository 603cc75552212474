"""Open account (新开户, process 1; C1-F2..F6): pre-input before payment, real input after payment.

`order_open_account_create` checks every rule that can be checked before the money and records the
draft order with its itemised fees (the number stays reserved, nothing else is taken).
`order_open_account_pay` is the commit: in one transaction it takes the money, creates the account and
the line under the per-identity limit, assigns the number and a SIM card from the hall's stock, issues
the receipt and invoice, and writes the provisioning work order (the outbox). The network's completion
(竣工) activates the line and completes the order; a failed work order can be rolled back, which undoes
all of it and refunds the money by reversal.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from billing.services.payments import Allocation, payment_receive
from boss.audit import audit_record
from boss.errors import NotPermitted
from boss.locks import lock_by_key
from boss.models import Staff
from boss.permissions import ensure_same_hall
from boss.prepared import Prepared
from boss.tariffs import tariff
from catalog.errors import MainPlanRequiredError
from catalog.models import Business, Feature, PaymentMethod, Plan
from catalog.selectors import discounts_by_codes
from catalog.services.quote import quote_price
from customers.errors import IdentityLineLimitError
from customers.identity import msisdn_normalize
from customers.models import Customer, CustomerIdentity, Line, LineCommitment, LineDiscount, LineFeature
from customers.national import identity_national_count
from customers.passwords import service_password_hash, service_password_validate
from customers.selectors import line_count_for_identity
from customers.services import agent_identity_record, customer_ensure_not_blacklisted, guardian_ensure, line_create
from customers.services.accounts import BankDetails, account_open
from customers.services.commitments import (
    commitment_audit,
    commitment_until,
    line_commitment_start,
    line_commitments_end,
)
from customers.services.lines import counted_line_states
from inventory.errors import (
    ReservationCustomerMismatchError,
    ReservationNotFoundError,
    ReservationNotHolderError,
    SimCardUnavailableError,
)
from inventory.models import NumberReservation, SimCard
from inventory.selectors import number_reservation_active, number_with_grade
from inventory.services.numbers import (
    number_assign,
    number_release,
    number_reserve,
    number_unassign,
    reservation_may_act_for,
)
from inventory.services.stock import sim_card_assign, sim_card_pick, sim_card_return
from orders.errors import (
    AgreementNotSignedError,
    BankDetailsError,
    BankNotConfirmedError,
    CorporateAccountError,
    IdentityNotVerifiedError,
    OrderStateError,
)
from orders.models import Order, OrderLine
from orders.selectors import order_lines
from orders.services.documents import AgentInput, documents_check
from orders.services.lifecycle import order_refund
from orders.services.order_links import order_commitments_link, order_lock_for_work_order
from provisioning import hooks
from provisioning.models import WorkOrder
from provisioning.services import work_order_create

D = Order.Document
# Quote lines of kind "deposit" that are prepaid credit on the balance (预存款), not a held deposit (押金).
PREPAYMENT_CODES = frozenset({"open.deposit", "grade.pre_deposit"})


@dataclass(frozen=True)
class BankInput:
    bank_code: str = ""
    account_number: str = ""
    account_holder: str = ""
    holder_doc_type: str = ""
    holder_doc_number: str = ""
    confirmed_by: str = ""


@transaction.atomic
def opening_number_choose(*, actor: Staff, customer: Customer, msisdn: str) -> NumberReservation:
    """The number of an opening, chosen again: the rep's live reservations for this customer of other
    numbers (the one chosen before) are released in the same transaction as the new one is reserved, so
    a refusal (the number taken meanwhile, the rep's quota) keeps the one held. Raises what
    number_reserve raises."""
    held = (NumberReservation.objects.filter(reserved_by=actor, customer=customer,
                                             state=NumberReservation.State.ACTIVE, reserved_until__gt=timezone.now())
            .exclude(number__msisdn=msisdn).values_list("number__msisdn", flat=True))
    for previous in list(held):
        number_release(actor=actor, msisdn=previous)
    return number_reserve(actor=actor, msisdn=msisdn, customer=customer)


def _order_lines(quote) -> list[OrderLine]:
    lines = []
    for q in quote.lines:
        if q.kind == "deposit":
            kind = OrderLine.Kind.PREPAYMENT if q.code in PREPAYMENT_CODES else OrderLine.Kind.DEPOSIT
            lines.append(OrderLine(code=q.code, item=q.item, kind=kind, amount=q.amount))
        elif q.kind == "discount":
            lines.append(OrderLine(code=q.code, item=q.item, kind=OrderLine.Kind.DISCOUNT, amount=q.amount,
                                   fee_type="discount"))
        else:
            lines.append(OrderLine(code=q.code, item=q.item, kind=OrderLine.Kind.FEE, amount=q.amount,
                                   fee_type=q.fee_type))
    return lines


def _live_reservation(*, actor: Staff, msisdn: str, customer) -> NumberReservation:
    """The actor's live reservation of the number for this customer, with the number and its grade (what the
    quote prices it by) read once."""
    number = number_with_grade(msisdn=msisdn)
    reservation = number_reservation_active(number_id=number.pk) if number else None
    if number is None or reservation is None or reservation.reserved_until <= timezone.now():
        raise ReservationNotFoundError(_("Reserve the number first (or again: its reservation has ended)."),
                                  field="msisdn", msisdn=msisdn)
    if not reservation_may_act_for(actor, reservation):
        raise ReservationNotHolderError(field="msisdn", msisdn=msisdn)
    if reservation.customer_id not in (None, customer.pk):
        raise ReservationCustomerMismatchError(field="msisdn", msisdn=msisdn)
    reservation.number = number
    return reservation


def _bank_details(*, payment_method: str, customer, bank: BankInput | None, actor) -> dict:
    if payment_method == PaymentMethod.CASH:
        return {}
    bank = bank or BankInput()
    if not (bank.bank_code.strip() and bank.account_number.strip() and bank.account_holder.strip()):
        raise BankDetailsError()
    details: dict[str, object] = {"bank_code": bank.bank_code.strip(), "account_number": bank.account_number.strip(),
               "account_holder": bank.account_holder.strip()}
    if payment_method == PaymentMethod.BANK:
        if not (bank.holder_doc_type and bank.holder_doc_number):
            raise BankDetailsError(_("A private account needs the account holder's identity document."),
                                   field="bank_holder_doc_number")
        holder = agent_identity_record(actor=actor, doc_type=bank.holder_doc_type, number=bank.holder_doc_number,
                                       name=bank.account_holder)
        details["holder_identity"] = holder.pk
    else:
        if not bank.confirmed_by.strip():
            raise BankNotConfirmedError()
        details.update(confirmed_by=bank.confirmed_by.strip()[:100], confirmed_at=timezone.now().isoformat())
    return details


# The opening's reads that run on every opening, compiled once per process (boss/prepared.py, issue 20).
_NOT_A_MAIN_PLAN = Prepared(lambda code: Plan.objects.filter(code=code).exclude(kind=Plan.Kind.MAIN)
                            .values_list("pk").order_by()[:1], str)
_CUSTOMER = Prepared(lambda pk: Customer.objects.select_related("identity").filter(pk=pk), int)
_PLAN = Prepared(lambda code: Plan.objects.filter(code=code), str)


@transaction.atomic
def order_open_account_create(*, actor: Staff, customer: Customer, msisdn: str, product_code: str, sim_capacity: str,
                              payment_method: str = PaymentMethod.CASH, features=(), iccid: str = "",
                              bank: BankInput | None = None, agent: AgentInput | None = None,
                              documents_checked=(), service_password: str = "", blacklist_override_by=None,
                              override_reason: str = "") -> Order:
    """Pre-input of an opening (process 1.1-1.6): every check that can be made before payment, the
    itemised fees, the draft order. Nothing is committed but the order: the number stays reserved.

    Raises NotPermitted, IdentityNotVerifiedError, CustomerBlacklistedError (unless a manager overrides),
    DocumentsMissingError, CorporateAccountError, BankDetailsError, BankNotConfirmedError,
    ServicePasswordError, ReservationNotFoundError/NotHolder/CustomerMismatch, IdentityLineLimitError,
    SimCardUnavailableError, ProductUnavailableError, MainPlanRequiredError (an add-on as the product),
    FeatureUnavailableError, GuardianRequiredError (a minor without an agent), and the agent's identity errors.
    """
    if actor.hall_id is None:
        raise NotPermitted(_("Accounts are opened at a service hall."))
    if _NOT_A_MAIN_PLAN(product_code):
        raise MainPlanRequiredError()  # exactly one main plan: the product of an opening is the main plan
    customer = _CUSTOMER.one(customer.pk)
    if customer.identity.checked_at is None:
        raise IdentityNotVerifiedError()
    msisdn = msisdn_normalize(msisdn)
    check = customer_ensure_not_blacklisted(actor=actor, customer=customer, override_by=blacklist_override_by,
                                            reason=override_reason)
    if payment_method == PaymentMethod.CORPORATE and customer.kind != Customer.Kind.ORGANIZATION:
        raise CorporateAccountError()
    documents_checked, agent_identity = documents_check(actor=actor, customer=customer, agent=agent,
                                                        documents_checked=documents_checked,
                                                        payment_method=payment_method)
    guardian_ensure(customer=customer, agent_present=agent is not None)
    bank_details = _bank_details(payment_method=payment_method, customer=customer, bank=bank, actor=actor)
    password = service_password_validate(service_password, identity_number=customer.identity.number)
    reservation = _live_reservation(actor=actor, msisdn=msisdn, customer=customer)

    # Early answer on the per-identity limit (checked again, under the identity lock, at payment).
    held = line_count_for_identity(identity=customer.identity, states=counted_line_states())
    if held >= tariff("identity.max_lines"):
        raise IdentityLineLimitError(held=held, limit=tariff("identity.max_lines"))
    if iccid:
        sim = SimCard.objects.filter(iccid=iccid.strip(), hall_id=actor.hall_id, status=SimCard.Status.IN_STOCK,
                                     capacity=sim_capacity).first()
        if sim is None:
            raise SimCardUnavailableError(iccid=iccid[:20])
    else:
        sim_card_pick(actor=actor, capacity=sim_capacity)  # fail now if the hall has none left

    with translation.override("zh-hans"):  # the fee items are printed on Chinese documents
        quote = quote_price(business=Business.OPEN_ACCOUNT, product_code=product_code,
                            grade=reservation.number.grade,
                            sim_capacity=sim_capacity, features=list(features), payment_method=payment_method,
                            customer_kind=customer.kind)
    order = Order.objects.create(
        kind=Order.Kind.OPEN_ACCOUNT, hall=actor.hall, actor=actor, customer=customer, msisdn=msisdn,
        agent=agent_identity, documents_checked=documents_checked, reservation=reservation,
        amount_due=quote.total, blacklist_override_by=check.overridden_by if check.blacklisted else None,
        details={"plan": quote.product.code, "features": [f for f in dict.fromkeys(features)],
                 "sim_capacity": sim_capacity, "iccid": iccid.strip(), "payment_method": payment_method,
                 "bank": bank_details, "service_password_hash": service_password_hash(
                     password, identity_number=customer.identity.number),
                 "quote_date": quote.on_date.isoformat(), "monthly_total": str(quote.monthly_total),
                 "monthly_discounts": [d.code for d in quote.monthly_discounts],
                 "min_monthly_spend": str(quote.min_monthly_spend), "agreement_months": quote.agreement_months,
                 "grade": quote.grade.name if quote.grade is not None else ""},
    )
    lines = _order_lines(quote)
    for line in lines:
        line.order = order
    OrderLine.objects.bulk_create(lines)
    audit_record(actor=actor, action="order.open_account.create", target=order, after={
        "customer": customer.pk, "msisdn": msisdn, "plan": quote.product.code, "amount_due": str(quote.total),
        "agent": bool(agent_identity), "payment_method": payment_method})
    return order


def _allocations(order: Order) -> list[Allocation]:
    """Fees net of their discounts go to revenue (invoiced); prepayments and deposits to receipts."""
    allocations, discount = [], Decimal("0.00")
    for line in order_lines(order_id=order.pk):
        if line.kind == OrderLine.Kind.DISCOUNT:
            discount += -line.amount
        elif line.kind == OrderLine.Kind.FEE:
            allocations.append(Allocation("fee", line.item, line.amount, fee_type=line.fee_type))
        else:
            allocations.append(Allocation(line.kind, line.item, line.amount))
    for i, a in enumerate(allocations):  # a discount lowers the fees it was quoted against, in order
        if discount <= 0:
            break
        if a.kind == "fee":
            off = min(a.amount, discount)
            allocations[i] = Allocation("fee", a.item, a.amount - off, a.fee_type)
            discount -= off
    return [a for a in allocations if a.amount > 0]


@transaction.atomic
def order_open_account_pay(*, actor: Staff, order: Order, method: str, tendered=None, agreement_signed: bool) -> Order:
    """The commit of an opening (real input after payment, C1-F3): money, account, line, number, SIM,
    documents and the provisioning work order, all in one transaction.

    Raises OrderStateError, AgreementNotSignedError, NotPermitted, TenderedTooLittleError,
    IdentityLineLimitError, NationalCountUnavailableError, ReservationNotFoundError (expired meanwhile),
    SimCardUnavailableError, NumberInUseError.
    """
    # The group's count is network I/O: ask before taking any lock (it fails closed).
    national = identity_national_count(identity=order.customer.identity)
    # The one lock order: the customer's identity (the per-identity line limit) before the order.
    lock_by_key(CustomerIdentity, order.customer.identity_id)
    customer = order.customer  # with its identity, read by the caller: an order's customer never changes
    order = lock_by_key(Order, order.pk)
    order.customer = customer
    ensure_same_hall(actor=actor, hall_id=order.hall_id)
    if order.hall_id == actor.hall_id and actor.hall is not None:
        order.hall = actor.hall  # the rep's own hall, read with the rep
    if order.kind != Order.Kind.OPEN_ACCOUNT or order.state != Order.State.DRAFT:
        raise OrderStateError(_("This order has already been paid or cancelled."), state=order.state)
    if not agreement_signed:
        raise AgreementNotSignedError()
    details, now = order.details, timezone.now()
    plan = _PLAN.one(details["plan"])
    bank = details.get("bank") or {}
    account = account_open(customer=customer, corporate=details["payment_method"] == PaymentMethod.CORPORATE,
                           bank=BankDetails(bank_code=bank["bank_code"], account_number=bank["account_number"],
                                            account_holder=bank["account_holder"],
                                            holder_identity=_identity(bank.get("holder_identity")),
                                            confirmed_by=bank.get("confirmed_by", ""),
                                            confirmed_at=bank.get("confirmed_at"))
                           if bank else None)
    line = line_create(actor=actor, customer=customer, account=account, plan=plan, msisdn=order.msisdn,
                       hall=order.hall, national=national)
    number_assign(actor=actor, msisdn=order.msisdn, customer=customer)
    sim = sim_card_assign(actor=actor, iccid=details.get("iccid") or "", capacity=details["sim_capacity"])
    line.iccid, line.service_password = sim.iccid, details["service_password_hash"]
    # A premium number's agreement (A10): its end on the line (the portability check reads it) and its
    # minimum monthly spend (保底消费, billed by the bill run), as quoted and signed.
    months = int(details.get("agreement_months") or 0)
    line.premium_agreement_until = commitment_until(since=timezone.localdate(), months=months)
    line.save(update_fields=["iccid", "service_password", "premium_agreement_until", "updated_at"])
    commitment = line_commitment_start(line=line, msisdn=order.msisdn, agreement_months=months,
                                       monthly_amount=Decimal(details.get("min_monthly_spend") or "0"),
                                       grade_name=details.get("grade", ""))
    order_commitments_link(order, started=commitment)
    # Most openings add no feature and grant no discount: no query is built for none.
    features = list(Feature.objects.filter(code__in=details["features"])) if details.get("features") else []
    LineFeature.objects.bulk_create([LineFeature(line=line, feature=f, since=timezone.localdate()) for f in features])
    # The monthly-fee discounts of the quote the customer signed, so the bills charge the same net price.
    # One or two a quote at most: each row inserted by the statement compiled once (a bulk insert is built each time).
    for discount in discounts_by_codes(details.get("monthly_discounts") or ()):
        LineDiscount.objects.create(line=line, discount=discount, since=timezone.localdate(),
                                    until=discount.valid_until)

    payment = None
    allocations = _allocations(order)
    if allocations:
        payment = payment_receive(actor=actor, account=account, method=method, allocations=allocations,
                                  tendered=tendered, line=line, reference=order.reference).payment
    order.line, order.agreement_signed_at = line, now
    order.pay(when=now, payment=payment)
    work_order_create(action=WorkOrder.Action.CREATE_SUBSCRIBER, msisdn=order.msisdn, line=line, hall=order.hall,
                      reference=order.reference,
                      payload={"iccid": sim.iccid, "imsi": sim.imsi, "features": {f.code: True for f in features}})
    order.provision()
    order.save(update_fields=["line", "agreement_signed_at", "paid_at", "payment", "state", "updated_at"])
    audit_record(actor=actor, action="order.open_account.pay", target=order, after={
        "line": line.pk, "msisdn": order.msisdn, "iccid": sim.iccid, "account": account.pk,
        "paid": str(payment.amount) if payment else "0.00", "method": method,
        **({"commitment": commitment_audit(commitment)} if commitment else {})})
    return order


def _identity(pk):
    if not pk:
        return None
    return CustomerIdentity.objects.get(pk=pk)


@transaction.atomic
def order_cancel_draft(*, actor: Staff, order: Order, reason: str) -> Order:
    """Abandon an unpaid opening: the order is cancelled and the number's reservation released.
    Raises OrderStateError, NotPermitted."""
    order = lock_by_key(Order, order.pk)
    ensure_same_hall(actor=actor, hall_id=order.hall_id)
    if order.state != Order.State.DRAFT:
        raise OrderStateError(state=order.state)
    order.cancel(when=timezone.now(), reason=reason or _("abandoned before payment"))
    order.save()
    reservation = order.reservation
    if reservation and reservation.is_live():
        number_release(actor=actor, msisdn=order.msisdn)
    audit_record(actor=actor, action="order.cancel", target=order, reason=reason, after={"state": order.state})
    return order


# --------------------------------------------------------------------------------------------------
# Completion (竣工), failure and roll back of the provisioning work order
# --------------------------------------------------------------------------------------------------


@hooks.on_complete(WorkOrder.Action.CREATE_SUBSCRIBER)
def _opening_completed(*, actor: Staff, work_order) -> None:
    """The network created the subscriber: the line goes live and the order is completed."""
    now = timezone.now()
    line = lock_by_key(Line, work_order.line_id) if work_order.line_id else None  # the line first
    order = order_lock_for_work_order(work_order)
    if line is not None:
        if line.status == Line.Status.PENDING_ACTIVATION:
            line.activate(when=now)
            line.save(update_fields=["status", "activated_at", "updated_at"])
    if order is not None and order.state in (Order.State.PROVISIONING, Order.State.FAILED, Order.State.PAID):
        order.complete(when=now)
        order.save(update_fields=["state", "completed_at", "updated_at"])


@hooks.on_fail(WorkOrder.Action.CREATE_SUBSCRIBER)
def _opening_failed(*, actor: Staff, work_order) -> None:
    order = order_lock_for_work_order(work_order)
    if order is not None and order.state == Order.State.PROVISIONING:
        order.fail()
        order.save(update_fields=["state", "updated_at"])


@hooks.on_rollback(WorkOrder.Action.CREATE_SUBSCRIBER)
def _opening_rolled_back(*, actor: Staff, work_order, reason: str) -> None:
    """Undo an opening the network never completed: line abandoned, number back in the pool, SIM back in
    stock, the money refunded by reversal with red-letter documents, the order cancelled."""
    now = timezone.now()
    line = lock_by_key(Line, work_order.line_id) if work_order.line_id else None  # the line first
    order = order_lock_for_work_order(work_order)
    if line is not None:
        if line.status == Line.Status.PENDING_ACTIVATION:
            line.abandon(when=now)
            line.save(update_fields=["status", "cancelled_at", "updated_at"])
            ended = line_commitments_end(line=line, reason=LineCommitment.EndReason.ROLLED_BACK)
            if order is not None:
                order_commitments_link(order, ended=ended)
            number_unassign(actor=actor, msisdn=line.msisdn, reason=reason)
            if line.iccid:
                sim_card_return(actor=actor, iccid=line.iccid, reason=reason)
    if order is None or order.state not in (Order.State.PROVISIONING, Order.State.FAILED):
        return
    order_refund(actor=actor, order=order, reason=reason, rolled_back_opening=True)
    order.cancel(when=now, reason=reason)
    order.save()

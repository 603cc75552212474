"""Transfer of ownership (过户, process 5; domain-rules A1, A2).

Both owners' documents (and, when the old account is paid by bank collection, its holder's ID). The new
owner passes the opening's checks: a verified identity (real name), the blacklist (a manager may
override, audited) and the per-identity limit, counted under the lock of the new owner's identity row
together with the group's count from other provinces. The old owner's arrears are cleared first. The new
owner pays in real-time prepaid mode (an organization may pay from a corporate account instead) and
prepays at least `transfer.min_deposit`, or `transfer.min_deposit_international` with international
long distance open (no deposit for a corporate account). The line moves to a new account of the new
owner; the old account, its ledger (history) and the points stay with the old owner.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from billing.selectors import account_money
from boss.errors import DomainError
from boss.locks import lock_by_key
from boss.models import Staff
from boss.tariffs import tariff
from catalog.models import Business, PaymentMethod
from catalog.services.quote import quote_price
from customers.errors import IdentityLineLimitError
from customers.models import Account, Customer, CustomerIdentity, Line
from customers.national import identity_national_count
from customers.passwords import service_password_hash
from customers.selectors import line_count_for_identity
from customers.services import customer_ensure_not_blacklisted, guardian_ensure
from customers.services.accounts import BankDetails, account_open
from customers.services.lines import counted_line_states
from orders.errors import (
    AmountTooSmallError,
    ArrearsOutstandingError,
    BankNotConfirmedError,
    CorporateAccountError,
    IdentityNotVerifiedError,
)
from orders.models import Order
from orders.services.documents import AgentInput, documents_check
from orders.services.lifecycle import (
    Charge,
    ensure_state,
    line_audit,
    line_lock,
    order_collect,
    order_finish,
    order_open,
)
from orders.services.secondary_cards import secondary_cards_detach

K = Order.Kind
D = Order.Document


@dataclass(frozen=True)
class CorporateInput:
    bank_code: str
    account_number: str
    account_holder: str
    confirmed_by: str


def transfer_quote(*, line: Line, corporate: bool):
    """The itemised price of a transfer for this line: the minimum prepayment (by its long-distance
    level) and any transfer fee of the catalog."""
    held = [lf.feature.code for lf in line.line_features.select_related("feature").filter(until__isnull=True)]
    with translation.override("zh-hans"):
        return quote_price(business=Business.TRANSFER, product_code=line.plan.code, held=held,
                           payment_method=PaymentMethod.CORPORATE if corporate else PaymentMethod.CASH)


@transaction.atomic
def line_transfer(*, actor: Staff, line: Line, new_customer: Customer, service_password: str, documents_checked=(),
                  new_documents_checked=(), old_agent: AgentInput | None = None,
                  new_agent: AgentInput | None = None, corporate: CorporateInput | None = None,
                  prepayment: Decimal | None = None, blacklist_override_by=None, override_reason: str = "",
                  agreement_signed: bool = False, method: str = "cash", tendered=None) -> Order:
    """Transfer a line to a new owner with a new real-time prepaid (or corporate) account.

    Raises LineStateError, DomainError (same owner), IdentityNotVerifiedError, CustomerBlacklistedError,
    OverrideNotPermittedError, ReasonRequiredError, NationalCountUnavailableError, IdentityLineLimitError,
    ArrearsOutstandingError, DocumentsMissingError, CorporateAccountError, BankNotConfirmedError,
    ServicePasswordError, AmountTooSmallError, AgreementNotSignedError, TenderedTooLittleError,
    GuardianRequiredError (a minor new owner without an agent).
    """
    new_customer = Customer.objects.select_related("identity").get(pk=new_customer.pk)
    national = identity_national_count(identity=new_customer.identity)  # network I/O: before any lock
    identity = lock_by_key(CustomerIdentity, new_customer.identity_id)
    line = line_lock(line)
    ensure_state(line, K.TRANSFER)
    old_customer, old_account = line.customer, line.account
    if new_customer.pk == old_customer.pk:
        raise DomainError(_("The new owner is the present owner."), field="new_customer")
    if identity.checked_at is None:
        raise IdentityNotVerifiedError(field="new_customer")
    check = customer_ensure_not_blacklisted(actor=actor, customer=new_customer, override_by=blacklist_override_by,
                                            reason=override_reason)
    held = line_count_for_identity(identity=identity, states=counted_line_states()) + national.other_provinces
    limit = tariff("identity.max_lines")
    if held >= limit:
        raise IdentityLineLimitError(held=held, limit=limit)
    arrears = account_money(old_account).arrears
    if arrears > 0:
        raise ArrearsOutstandingError(
            _("The present owner's arrears of ¥%(amount)s are cleared first (fee collection); the new owner does "
              "not inherit them.") % {"amount": f"{arrears:.2f}"}, arrears=str(arrears))
    old_extra = [D.HOLDER_ID] if old_account.payment_method == Account.PaymentMethod.BANK else []
    old_documents, old_agent_identity = documents_check(actor=actor, customer=old_customer, agent=old_agent,
                                                        documents_checked=documents_checked, extra=old_extra)
    if corporate is not None:
        if new_customer.kind != Customer.Kind.ORGANIZATION:
            raise CorporateAccountError()
        if not corporate.confirmed_by.strip():
            raise BankNotConfirmedError()
    guardian_ensure(customer=new_customer, agent_present=new_agent is not None)
    new_documents, new_agent_identity = documents_check(actor=actor, customer=new_customer, agent=new_agent,
                                                        documents_checked=new_documents_checked,
                                                        extra=[D.SEAL_CARD] if corporate else [])
    password_hash = service_password_hash(service_password, identity_number=identity.number)

    quote = transfer_quote(line=line, corporate=corporate is not None)
    charges = []
    for q in quote.lines:
        if q.kind == "deposit":
            amount = q.amount if prepayment is None else prepayment
            if amount < q.amount:
                raise AmountTooSmallError(_("The new owner prepays at least ¥%(min)s.") % {"min": f"{q.amount:.2f}"},
                                          field="prepayment", minimum=str(q.amount))
            charges.append(Charge(q.code, q.item, "prepayment", amount))
        elif q.kind == "fee":
            charges.append(Charge(q.code, q.item, "fee", q.amount, fee_type="service"))
    today = timezone.localdate()
    account = account_open(customer=new_customer, corporate=corporate is not None,
                           bank=BankDetails(bank_code=corporate.bank_code.strip(),
                                            account_number=corporate.account_number.strip(),
                                            account_holder=corporate.account_holder.strip(),
                                            confirmed_by=corporate.confirmed_by.strip(), confirmed_at=timezone.now())
                           if corporate else None)
    order = order_open(actor=actor, kind=K.TRANSFER, line=line, customer=new_customer,
                       documents=list(dict.fromkeys(old_documents + new_documents)), agent=new_agent_identity,
                       agreement_signed=agreement_signed, charges=charges, details={
                           "old_customer": old_customer.pk, "old_account": old_account.pk, "new_account": account.pk,
                           "old_agent": old_agent_identity.pk if old_agent_identity else None,
                           "date": today.isoformat(), "corporate": corporate is not None,
                           "identity_lines": held + 1, "limit": limit})
    if check.blacklisted:
        order.blacklist_override_by = check.overridden_by
    payment = order_collect(actor=actor, order=order, account=account, line=line, charges=charges, method=method,
                            tendered=tendered)
    line.customer, line.account, line.owner_since, line.service_password = new_customer, account, today, password_hash
    line.save(update_fields=["customer", "account", "owner_since", "service_password", "updated_at"])
    secondary_cards_detach(actor=actor, line=line, reason="transferred", reference=order.reference)
    order_finish(order=order, payment=payment.payment if payment else None)
    line_audit(actor=actor, order=order, line=line, action="line.transfer",
               before={"customer": old_customer.pk, "account": old_account.pk},
               after={"customer": new_customer.pk, "account": account.pk,
                      "paid": str(payment.payment.amount) if payment else "0.00"})
    return order

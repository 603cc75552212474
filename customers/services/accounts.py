"""The account (帐户) of a customer: who pays, and how. Opened by the opening process, changed by the
change of payment method (更改缴费方式 / 改帐务); both run inside the calling process's transaction, which
checks the documents and audits. The money itself is billing's ledger."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from boss.tariffs import tariff
from customers.models import Account, CustomerIdentity


@dataclass(frozen=True)
class BankDetails:
    bank_code: str
    account_number: str
    account_holder: str
    holder_identity: CustomerIdentity | None = None  # the account holder's identity (private accounts)
    confirmed_by: str = ""                          # whom the rep spoke to at the bank (corporate accounts)
    confirmed_at: datetime | None = None


def account_open(*, customer, bank: BankDetails | None = None, corporate: bool = False) -> Account:
    """Create the account in the CALLER's transaction (the opening process audits). Cash accounts are
    real-time prepaid; bank-collection accounts are billed monthly; every account starts with the
    default credit limit (tariff billing.default_credit_limit)."""
    fields = {"customer": customer, "credit_limit": tariff("billing.default_credit_limit"), "corporate": corporate}
    if bank is None:
        return Account.objects.create(payment_method=Account.PaymentMethod.CASH, realtime_prepaid=True, **fields)
    return Account.objects.create(
        payment_method=Account.PaymentMethod.BANK, realtime_prepaid=False, bank_code=bank.bank_code,
        bank_account_number=bank.account_number, bank_account_holder=bank.account_holder,
        bank_holder_identity=bank.holder_identity, bank_confirmed_by=bank.confirmed_by,
        bank_confirmed_at=bank.confirmed_at, **fields)


def account_payment_method_set(*, account: Account, bank: BankDetails | None, corporate: bool = False) -> Account:
    """Cash (real-time prepaid, bank details cleared) when `bank` is None, else bank collection (billed
    monthly) from the given account; `corporate` for an organization's corporate account (对公帐号).
    The caller has locked the account row."""
    if bank is None:
        account.payment_method, account.realtime_prepaid, account.corporate = Account.PaymentMethod.CASH, True, False
        account.bank_code = account.bank_account_number = account.bank_account_holder = ""
        account.bank_holder_identity, account.bank_confirmed_by, account.bank_confirmed_at = None, "", None
    else:
        account.payment_method, account.realtime_prepaid, account.corporate = (
            Account.PaymentMethod.BANK, False, corporate)
        account.bank_code, account.bank_account_number = bank.bank_code, bank.account_number
        account.bank_account_holder, account.bank_holder_identity = bank.account_holder, bank.holder_identity
        account.bank_confirmed_by = bank.confirmed_by
        account.bank_confirmed_at = (bank.confirmed_at or timezone.now()) if bank.confirmed_by else None
    account.save()
    return account


def line_account_move(*, line, account: Account) -> Account:
    """The line is paid from another account of its owner from now on (改帐务), in the CALLER's
    transaction (the line and both accounts locked by the caller, which checks the documents, the money
    and audits). The accounts keep their money, deposits and bank-collection mandates: the mandate stays
    with its account and the line follows the account it moves to. Returns the account it left.
    Raises AccountNotOwnError."""
    from customers.errors import AccountNotOwnError

    if account.customer_id != line.customer_id or account.pk == line.account_id:
        raise AccountNotOwnError()
    old = line.account
    line.account = account
    line.save(update_fields=["account", "updated_at"])
    return old

"""Opening a billing account (帐户) for a customer: who pays, and how."""

from dataclasses import dataclass

from billing.models import Account
from boss.tariffs import tariff


@dataclass(frozen=True)
class BankDetails:
    bank_code: str
    account_number: str
    account_holder: str
    holder_identity: object = None  # customers.CustomerIdentity of the account holder (private accounts)
    confirmed_by: str = ""          # whom the rep spoke to at the bank (corporate accounts)
    confirmed_at: object = None


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

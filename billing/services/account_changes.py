"""Changing how an account pays (更改缴费方式 / 改帐务, comprehensive services). Added by the lifecycle
issue; called inside the calling process's transaction, which checks the documents and audits."""

from django.utils import timezone

from billing.models import Account
from billing.services.accounts import BankDetails


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

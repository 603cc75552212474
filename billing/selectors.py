"""Reads of the ledger. Balances are always the sum of entries (no cached balance to drift)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from billing.models import ZERO, LedgerAccount, LedgerEntry
from boss.permissions import get_for_actor, restrict_to_actor


def account_balance(account: LedgerAccount) -> Decimal:
    """Balance on the account's normal side (assets: debits - credits; others: credits - debits)."""
    total = LedgerEntry.objects.filter(account=account).aggregate(s=Sum("amount"))["s"] or ZERO
    return account.normal(total)


def account_balances(accounts) -> dict[int, Decimal]:
    """Balances of many accounts in one query."""
    accounts = list(accounts)
    sums = dict(
        LedgerEntry.objects.filter(account__in=accounts).values_list("account").annotate(s=Sum("amount"))
    )
    return {a.pk: a.normal(sums.get(a.pk, ZERO)) for a in accounts}


@dataclass(frozen=True)
class AccountMoney:
    balance: Decimal   # the customer's money with us; negative = arrears
    deposit: Decimal

    @property
    def arrears(self) -> Decimal:
        return -self.balance if self.balance < 0 else ZERO


def account_money(account) -> AccountMoney:
    """Balance and deposit of a billing account (帐户), from the ledger, in one query."""
    return accounts_money([account])[account.pk]


def accounts_money(accounts) -> dict[int, AccountMoney]:
    """Balance and deposit of many billing accounts in one query (no N+1 on list screens)."""
    accounts = list(accounts)
    rows = (LedgerEntry.objects.filter(account__billing_account__in=accounts)
            .values_list("account__billing_account", "account__kind").annotate(s=Sum("amount")))
    sums: dict[tuple[int, str], Decimal] = {(acct, kind): s for acct, kind, s in rows}
    cent = Decimal("0.01")
    return {
        a.pk: AccountMoney(
            balance=(-(sums.get((a.pk, LedgerAccount.Kind.CUSTOMER)) or ZERO)).quantize(cent),
            deposit=(-(sums.get((a.pk, LedgerAccount.Kind.DEPOSIT)) or ZERO)).quantize(cent),
        )
        for a in accounts
    }


def ledger_account_list_for_actor(*, actor):
    """Ledger accounts the actor may see, with their balance and entry count annotated."""
    qs = LedgerAccount.objects.select_related("hall", "staff").annotate(
        signed_sum=Sum("entries__amount"), entry_count=Count("entries")
    )
    if actor.has_perm("billing.view_ledgeraccount"):
        # Hall staff see the accounts of their hall; roles spanning halls see all of them.
        return restrict_to_actor(qs, actor)
    return qs.filter(staff=actor)


def ledger_account_get_for_actor(*, actor, pk: int) -> LedgerAccount:
    qs = LedgerAccount.objects.select_related("hall", "staff")
    if actor.has_perm("billing.view_ledgeraccount"):
        return get_for_actor(qs, actor, pk=pk)
    # Without the ledger permission a user sees only their own drawers.
    return get_for_actor(qs, actor, visible=qs.filter(staff=actor), pk=pk)


def ledger_check_balanced() -> list[int]:
    """Ids of transactions whose entries do not sum to zero (always empty; used by tests and checks)."""
    return list(
        LedgerEntry.objects.values("transaction").annotate(s=Sum("amount"), n=Count("id"))
        # Not `s != 0`: SQLite sums decimals as floats (PostgreSQL is exact), so allow less than a fen.
        .filter(Q(s__gt=Decimal("0.004")) | Q(s__lt=Decimal("-0.004")) | Q(n__lt=2))
        .values_list("transaction", flat=True)
    )


@dataclass(frozen=True)
class DrawerDayRow:
    method: str
    money_in: Decimal
    money_out: Decimal
    payments_total: Decimal   # the same money counted from the payment records

    @property
    def net(self) -> Decimal:
        return self.money_in - self.money_out

    @property
    def matches_ledger(self) -> bool:
        return self.payments_total == self.money_in


def drawer_day(*, staff, day) -> list[DrawerDayRow]:
    """A rep's drawers on one business day, by payment method: money in and out from the ledger, and the
    payments recorded for the same day, which must equal the money in (two queries)."""
    from billing.models import Payment

    cent = Decimal("0.01")
    entries = (LedgerEntry.objects.filter(account__staff=staff, account__kind=LedgerAccount.Kind.CASH_DRAWER,
                                          transaction__booked_on=day)
               .values_list("account__subtype")
               .annotate(pos=Sum("amount", filter=Q(amount__gt=0)), neg=Sum("amount", filter=Q(amount__lt=0))))
    paid = dict(Payment.objects.filter(actor=staff, ledger_transaction__booked_on=day)
                .values_list("method").annotate(s=Sum("amount")))
    rows = {m: (pos or ZERO, -(neg or ZERO)) for m, pos, neg in entries}
    methods = sorted(set(rows) | set(paid))
    return [DrawerDayRow(method=m, money_in=Decimal(rows.get(m, (ZERO, ZERO))[0]).quantize(cent),
                         money_out=Decimal(rows.get(m, (ZERO, ZERO))[1]).quantize(cent),
                         payments_total=Decimal(paid.get(m) or ZERO).quantize(cent)) for m in methods]

"""Reads of the ledger. Balances are always the sum of entries (no cached balance to drift)."""

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

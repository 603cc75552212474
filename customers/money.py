"""An account's money as the customer banner and the 360 page show it: the balance (below zero: arrears)
and the deposit. The money itself is billing's ledger, a layer above; billing answers through this hook,
registered once at start-up (billing/apps.py), so customers never imports billing."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from boss.money import ZERO


@dataclass(frozen=True)
class AccountMoney:
    balance: Decimal   # the customer's money with us; negative = arrears
    deposit: Decimal

    @property
    def arrears(self) -> Decimal:
        return -self.balance if self.balance < 0 else ZERO


_source: Callable[[Iterable], dict[int, AccountMoney]] | None = None


def accounts_money_source_set(source: Callable[[Iterable], dict[int, AccountMoney]]) -> None:
    """`source(accounts or account ids) -> {account id: AccountMoney}` in a fixed number of queries."""
    global _source
    _source = source


def accounts_money(accounts) -> dict[int, AccountMoney]:
    if _source is None:
        raise RuntimeError("No account money source is registered (billing registers one at start-up).")
    return _source(accounts)

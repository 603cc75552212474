"""What a customer spent: the average monthly bill of the last months, for recommendations (C1-F2/F4).

Bills come with the billing issue (bill runs). Until then the source here answers None ("unknown"), and
the recommendation rules that depend on spend are simply not offered, never offered on a guess. The
billing app plugs its own source in with `spend_source_set()` from its AppConfig.ready().
"""

from datetime import date
from decimal import Decimal
from typing import Protocol


class SpendSource(Protocol):
    def average_monthly_spend(self, *, customer, months: int, on_date: date) -> Decimal | None:
        """The average of the customer's monthly bills over the `months` full months before `on_date`,
        or None when it is not known."""


class NoBillsYet:
    """The source until bills exist: the spend is unknown."""

    def average_monthly_spend(self, *, customer, months: int, on_date: date) -> Decimal | None:
        return None


_source: SpendSource = NoBillsYet()


def spend_source() -> SpendSource:
    return _source


def spend_source_set(source: SpendSource) -> None:
    global _source
    _source = source

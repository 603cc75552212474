"""Who hears of a refund case's decision and payment (process 6.5: the result goes back to whoever asked,
so that the 1860 hotline can tell the customer). Complaints, a layer above billing, listens: it registers
in its AppConfig.ready(). Listeners run inside billing's transaction, so the case and what they record
commit or roll back together."""

from collections.abc import Callable

_listeners: list[Callable] = []


def refund_outcome_listen(listener: Callable) -> None:
    """`listener(*, case, outcome, note)`; outcome is "approved", "rejected" or "paid"."""
    if listener not in _listeners:
        _listeners.append(listener)


def refund_outcome_notify(*, case, outcome: str, note: str = "") -> None:
    for listener in _listeners:
        listener(case=case, outcome=outcome, note=note)

"""What completion (竣工) and roll back mean for the business, registered by the apps that own it.

The open-account process registers, for CREATE_SUBSCRIBER, "activate the line" on completion and
"release the number, refund, cancel the order" on roll back. A hook runs inside the transaction that
marks the work order, so the business state and the work order state change together.
"""

from collections.abc import Callable

_ON_COMPLETE: dict[str, list[Callable]] = {}
_ON_ROLLBACK: dict[str, list[Callable]] = {}
_ON_FAIL: dict[str, list[Callable]] = {}


def on_complete(action: str):
    """Decorator: fn(*, actor, work_order) runs when a work order of this action completes."""
    def register(fn):
        _ON_COMPLETE.setdefault(action, [])
        if fn not in _ON_COMPLETE[action]:
            _ON_COMPLETE[action].append(fn)
        return fn
    return register


def on_rollback(action: str):
    """Decorator: fn(*, actor, work_order, reason) runs when a failed work order is rolled back."""
    def register(fn):
        _ON_ROLLBACK.setdefault(action, [])
        if fn not in _ON_ROLLBACK[action]:
            _ON_ROLLBACK[action].append(fn)
        return fn
    return register


def on_fail(action: str):
    """Decorator: fn(*, actor, work_order) runs when a work order of this action fails for good (out of
    attempts): the business shows it as failed until it is retried or rolled back."""
    def register(fn):
        _ON_FAIL.setdefault(action, [])
        if fn not in _ON_FAIL[action]:
            _ON_FAIL[action].append(fn)
        return fn
    return register


def run_fail(*, actor, work_order) -> None:
    for fn in _ON_FAIL.get(work_order.action, []):
        fn(actor=actor, work_order=work_order)


def run_complete(*, actor, work_order) -> None:
    for fn in _ON_COMPLETE.get(work_order.action, []):
        fn(actor=actor, work_order=work_order)


def run_rollback(*, actor, work_order, reason: str) -> None:
    for fn in _ON_ROLLBACK.get(work_order.action, []):
        fn(actor=actor, work_order=work_order, reason=reason)

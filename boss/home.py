"""Panels on the counter home ("today's work"). Apps register a function that returns a panel for the
request's user, or None when it has nothing to show them."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Panel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 50


_PANELS: list[Callable] = []


def register(panel_fn: Callable) -> None:
    if panel_fn not in _PANELS:
        _PANELS.append(panel_fn)


def panels_for(request) -> list[Panel]:
    panels = [p for fn in _PANELS if (p := fn(request)) is not None]
    return sorted(panels, key=lambda p: p.order)

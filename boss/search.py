"""The global search box: by number, customer name or identity number.

Apps register providers; each returns a list of SearchHit for a query the actor may see. An identity
number is searched by POST only, so it never lands in a URL, a proxy log or the browser history.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SearchHit:
    kind: str        # translated label: "Customer", "Line" ...
    title: str       # masked where personal
    detail: str
    url: str
    badges: tuple[tuple[str, str], ...] = ()  # (label, tone); tones as the badge tag: ok, warn, bad, vip, neutral


_PROVIDERS: list[Callable[..., list[SearchHit]]] = []


def register(provider: Callable[..., list[SearchHit]]) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def search(*, actor, query: str) -> list[SearchHit]:
    query = (query or "").strip()
    if len(query) < 2:
        return []
    hits: list[SearchHit] = []
    for provider in _PROVIDERS:
        hits.extend(provider(actor=actor, query=query))
    return hits[:50]

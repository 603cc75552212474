"""Blacklist entries other parties hold about an identity (the joint blacklist that partners exchange,
process 13). The partners app, a layer above, answers through this hook, registered once at start-up
(partners/apps.py), so customers and orders never import it.

A hit either refuses the business like our own blacklist (a manager may approve it, audited) or only
warns the rep; which one is the answering app's tariff parameter.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ExternalBlacklistHit:
    source: str      # who listed the identity (a partner's name)
    reason: str
    since: date
    refuses: bool    # True: refused unless a manager approves; False: a warning only


_source: Callable[..., list[ExternalBlacklistHit]] | None = None


def external_blacklist_source_set(source: Callable[..., list[ExternalBlacklistHit]]) -> None:
    """`source(doc_type=, number=) -> [ExternalBlacklistHit]` in one query."""
    global _source
    _source = source


def external_blacklist_hits(*, doc_type: str, number: str) -> list[ExternalBlacklistHit]:
    """The entries in force about this identity document; none when no app answers."""
    if _source is None or not number:
        return []
    return _source(doc_type=doc_type, number=number)

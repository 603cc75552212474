"""The operator group's national card-count service (开卡数量核验, domain-rules A2).

The per-identity limit holds per operator group, not per province, so a provincial BOSS asks the group
how many lines the identity holds at the group's other provincial companies (and, when the
cross-operator cap is on, at other operators). This module is the interface and a simulated
implementation; a real gateway is another class with the same `count()` named in
`settings.BOSS_NATIONAL_COUNT_BACKEND`.

Whatever goes wrong (down, timeout, a malformed answer) becomes NationalCountUnavailableError: the
opening is refused, never waved through (fail closed).
"""

import logging
import time
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from boss.tariffs import tariff
from customers.errors import NationalCountUnavailableError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NationalCount:
    """Lines in effective use registered to one identity outside this province."""

    other_provinces: int                 # at the group's other provincial companies
    other_operators: int | None = None   # at other operators, when the group knows it


class NationalCountService(Protocol):
    def count(self, *, doc_type: str, number: str, timeout: float) -> NationalCount:
        """Answer within `timeout` seconds or raise any exception."""


class SimulatedNationalCountService:
    """Stands in for the group's service in development, tests and demos.

    Configuration (class attributes, so tests and a demo shell can change them at run time):
    - `down`: every call fails (as when the group's gateway is unreachable);
    - `latency_ms`: each answer takes this long (a call slower than the timeout fails);
    - `other_provinces` / `other_operators`: {identity number: lines} held elsewhere (default 0).
    """

    down: bool = False
    latency_ms: int = 0
    other_provinces: dict[str, int] = {}
    other_operators: dict[str, int] = {}

    def __init__(self):
        self.down = type(self).down or settings.BOSS_NATIONAL_COUNT_DOWN
        self.latency_ms = type(self).latency_ms or settings.BOSS_NATIONAL_COUNT_LATENCY_MS

    def count(self, *, doc_type: str, number: str, timeout: float) -> NationalCount:
        delay = self.latency_ms / 1000
        if delay > timeout:
            time.sleep(timeout)
            raise TimeoutError("simulated group count service timed out")
        if delay:
            time.sleep(delay)
        if self.down:
            raise ConnectionError("simulated group count service is down")
        return NationalCount(other_provinces=self.other_provinces.get(number, 0),
                             other_operators=self.other_operators.get(number, 0))


def national_count_service() -> NationalCountService:
    return import_string(settings.BOSS_NATIONAL_COUNT_BACKEND)()


def identity_national_count(*, identity) -> NationalCount:
    """Ask the group for the identity's lines elsewhere. Call it before taking row locks (it waits on
    the network). Raises NationalCountUnavailableError when there is no usable answer."""
    timeout = float(tariff("identity.national_count_timeout_seconds"))
    try:
        answer = national_count_service().count(doc_type=identity.doc_type, number=identity.number,
                                                timeout=timeout)
        if not isinstance(answer, NationalCount) or answer.other_provinces < 0 or (
                answer.other_operators is not None and answer.other_operators < 0):
            raise ValueError(f"malformed answer {answer!r}")
    except Exception as exc:  # noqa: BLE001  any failure of the remote service refuses the opening
        log.warning("national count unavailable for identity %s: %s", identity.pk, exc)
        raise NationalCountUnavailableError() from exc
    return answer

"""The network adapter: how the BOSS talks to the network element (HLR/HSS).

`NetworkAdapter.execute(key, action, msisdn, payload)` is called outside any database lock with the work
order's key as idempotency key. It returns DONE or ALREADY_DONE, or raises NetworkError (transient:
retry later). The simulated HLR below is the development and test implementation; a real gateway is
another class named by settings.BOSS_NETWORK_ADAPTER.
"""

import random
import time
from enum import StrEnum
from functools import cache
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from boss.locks import lock


class Outcome(StrEnum):
    DONE = "done"
    ALREADY_DONE = "already_done"


class NetworkError(Exception):
    """The network element did not confirm the command (timeout, busy, refused). Safe to retry."""


class NetworkAdapter(Protocol):
    def execute(self, *, key: str, action: str, msisdn: str, payload: dict) -> Outcome: ...


class SimulatedHlr:
    """An HLR that keeps its own state (HlrSubscriber), executes each key at most once (HlrExecution)
    and can be slow or unreliable on purpose.

    latency_ms: time per command; failure_rate: share of commands refused before doing anything;
    lost_reply_rate: share of commands executed whose reply is lost (the caller sees an error and
    retries; the retry answers ALREADY_DONE).
    """

    def __init__(self, *, latency_ms: float = 0, failure_rate: float = 0.0, lost_reply_rate: float = 0.0,
                 rng: random.Random | None = None):
        self.latency = latency_ms / 1000
        self.failure_rate = failure_rate
        self.lost_reply_rate = lost_reply_rate
        self.rng = rng or random.Random()

    def execute(self, *, key: str, action: str, msisdn: str, payload: dict) -> Outcome:
        from provisioning.models import HlrCall, HlrExecution

        # Half the latency on the way in, half on the way back: a worker killed in the second half has
        # executed the command without hearing so, the case idempotency keys exist for.
        if self.latency:
            time.sleep(self.latency / 2)
        if self.rng.random() < self.failure_rate:
            HlrCall.objects.create(key=key, outcome="refused")
            raise NetworkError("HLR busy, command refused")
        try:
            with transaction.atomic():
                HlrExecution.objects.create(key=key, action=action, msisdn=msisdn)
                self._apply(action, msisdn, payload)
                HlrCall.objects.create(key=key, outcome="executed")
        except IntegrityError:
            HlrCall.objects.create(key=key, outcome="already_done")
            return Outcome.ALREADY_DONE
        if self.latency:
            time.sleep(self.latency / 2)
        if self.rng.random() < self.lost_reply_rate:
            raise NetworkError("HLR reply lost")
        return Outcome.DONE

    def _apply(self, action: str, msisdn: str, payload: dict) -> None:
        from provisioning.models import HlrSubscriber

        if action == "create_subscriber":
            HlrSubscriber.objects.update_or_create(msisdn=msisdn, defaults={
                "iccid": payload.get("iccid", ""), "status": "active", "features": payload.get("features", {})})
            return
        subscriber = lock(HlrSubscriber.objects.filter(msisdn=msisdn)).first()
        if subscriber is None:
            raise NetworkError(f"HLR has no subscriber {msisdn}")
        if action == "delete_subscriber":
            subscriber.delete()
        elif action == "suspend":
            subscriber.status = "suspended"
            subscriber.save(update_fields=["status", "updated_at"])
        elif action == "resume":
            subscriber.status = "active"
            subscriber.save(update_fields=["status", "updated_at"])
        elif action == "change_sim":
            subscriber.iccid = payload.get("iccid", "")
            subscriber.save(update_fields=["iccid", "updated_at"])
        elif action == "change_msisdn":
            subscriber.msisdn = payload["new_msisdn"]
            subscriber.save(update_fields=["msisdn", "updated_at"])
        elif action == "change_plan":
            subscriber.plan = payload.get("plan", "")
            subscriber.save(update_fields=["plan", "updated_at"])
        elif action == "set_features":
            subscriber.features = payload.get("features", {})
            subscriber.save(update_fields=["features", "updated_at"])
        else:
            raise NetworkError(f"unknown command {action}")


@cache
def get_adapter() -> NetworkAdapter:
    """The configured adapter (settings.BOSS_NETWORK_ADAPTER, with BOSS_NETWORK_ADAPTER_OPTIONS)."""
    cls = import_string(settings.BOSS_NETWORK_ADAPTER)
    return cls(**settings.BOSS_NETWORK_ADAPTER_OPTIONS)

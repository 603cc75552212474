"""Idempotent requests (domain-rules B1, Brandur's keys in Postgres).

Every request that moves money or takes a resource carries a client key: a hidden form field made
when the form is shown, or the `Idempotency-Key` header in the API. The key row is inserted *first*,
in the same transaction as the work: a concurrent duplicate blocks on the unique index until the
first request ends, then replays its stored result; if the first request was refused (nothing
committed), the duplicate runs for itself. A replay returns the first status and body; the same key
with other parameters is refused with `idempotency_key_reused` and writes nothing.

Secrets are never stored: a field of the response whose name says it is a secret (a generated service
password, a token) is shown once, in the first response only; the stored copy (and so every replay) leaves
it out and lists it in `secrets_already_shown`.
"""

import hashlib
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boss.context import idempotent_replays_var
from boss.errors import IdempotencyKeyMissingError, IdempotencyKeyReusedError, InvalidInputError
from boss.models import IdempotencyKey


@dataclass(frozen=True)
class IdempotentResult:
    status_code: int
    body: dict
    replayed: bool


# Field names that hold a secret shown once (the generated service password, tokens, keys).
SECRET_FIELD = re.compile(r"password|secret|token|api_key|otp", re.IGNORECASE)
SECRETS_SHOWN = "secrets_already_shown"


def redact_secrets(body, path: str = ""):
    """The body as it may be stored: every secret field left out (at any depth), their dotted names listed
    at the top under `secrets_already_shown`."""
    removed: list[str] = []

    def walk(value, prefix):
        if isinstance(value, dict):
            kept = {}
            for k, v in value.items():
                if SECRET_FIELD.search(str(k)) and v not in (None, "", False):
                    removed.append(f"{prefix}{k}")
                    continue
                kept[k] = walk(v, f"{prefix}{k}.")
            return kept
        if isinstance(value, list):
            return [walk(v, prefix) for v in value]
        return value

    stored = walk(body, path)
    if removed and isinstance(stored, dict):
        stored[SECRETS_SHOWN] = removed
    return stored


def new_key() -> str:
    return str(uuid.uuid4())


def fingerprint(scope: str, params: dict) -> str:
    canonical = json.dumps({"scope": scope, "params": params}, sort_keys=True, cls=DjangoJSONEncoder,
                           ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _check_key(key: str | None) -> str:
    if not key:
        raise IdempotencyKeyMissingError()
    key = key.strip()
    if len(key) > 255 or not key.isprintable():
        raise InvalidInputError(_("The request key is not valid."), field="idempotency_key")
    return key


def idempotent(*, actor, key: str | None, scope: str, params: dict,
               run: Callable[[], tuple[int, dict]]) -> IdempotentResult:
    """Run `run()` once per (actor, key); replay its (status, body) for repeats.

    Raises IdempotencyKeyMissingError, IdempotencyKeyReusedError, and whatever `run` raises (in which case
    nothing is stored and the key stays free).
    """
    key = _check_key(key)
    digest = fingerprint(scope, params)

    # The key row first (no read before it: a repeat is the rare case, and its INSERT fails on the unique
    # index, then the stored answer is read).
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(actor=actor, key=key, scope=scope, request_hash=digest,
                                                status_code=0, response={})
            status_code, body = run()
            body = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
            row.status_code, row.response = status_code, redact_secrets(body)
            row.save(update_fields=["status_code", "response"])
            return IdempotentResult(status_code, body, replayed=False)
    except IntegrityError:
        existing = IdempotencyKey.objects.filter(actor=actor, key=key).first()
        if existing is None:
            raise  # an integrity error of the work itself, not of the key
        return _replay(existing, scope, digest)


def _replay(existing: IdempotencyKey, scope: str, digest: str) -> IdempotentResult:
    if existing.scope != scope or existing.request_hash != digest:
        raise IdempotencyKeyReusedError()
    replays = idempotent_replays_var.get()
    if replays is not None:
        replays.append(scope)   # the response of this request says Idempotent-Replayed: true
    return IdempotentResult(existing.status_code, existing.response, replayed=True)


def idempotency_keys_prune(*, now=None) -> int:
    """Delete keys older than the keep period (at least 24 h; default 7 days)."""
    now = now or timezone.now()
    days = max(settings.BOSS_IDEMPOTENCY_KEEP_DAYS, 1)
    deleted, _rows = IdempotencyKey.objects.filter(created_at__lt=now - timedelta(days=days)).delete()
    return deleted

"""Tariff parameters (资费参数): every configurable amount and time limit of processes.md.

The handbook writes "XXX元" where an amount is policy; the product keeps it here with its default and
lets the admin change it (Django admin → tariff parameters). Code reads a value only through
`tariff(key)`, never a literal. A row in TariffParameter overrides the default; `tariff_sync()` creates
the missing rows so that every parameter is visible and editable.
"""

import threading
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

_CACHE_KEY = "boss:tariffs:v1"


@dataclass(frozen=True)
class Param:
    key: str
    default: str
    kind: str  # money | int | bool | decimal | list | code
    label: str
    unit: str = ""

    def parse(self, raw: str):
        raw = (raw or "").strip()
        if self.kind == "money":
            try:
                value = Decimal(raw)
            except InvalidOperation as exc:
                raise ValueError(_("Enter an amount in yuan, such as 100.00.")) from exc
            if value < 0 or value != value.quantize(Decimal("0.01")):
                raise ValueError(_("Enter an amount in yuan, such as 100.00."))
            return value.quantize(Decimal("0.01"))
        if self.kind == "decimal":
            try:
                return Decimal(raw)
            except InvalidOperation as exc:
                raise ValueError(_("Enter a number.")) from exc
        if self.kind == "int":
            try:
                value = int(raw)
            except ValueError as exc:
                raise ValueError(_("Enter a whole number.")) from exc
            if value < 0:
                raise ValueError(_("Enter a whole number."))
            return value
        if self.kind == "bool":
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(_("Enter true or false."))
        if self.kind == "list":
            return tuple(item.strip() for item in raw.split(",") if item.strip())
        if self.kind == "code":     # a catalogue code (empty: none)
            return raw
        raise ValueError(f"unknown kind {self.kind}")


_PARAMS = [
    # Numbers and reservations
    Param("number.reservation_minutes", "30", "int", _("Number reservation time limit"), _("minutes")),
    Param("number.cooldown_days", "90", "int", _("Cool-down of a cancelled number before resale"), _("days")),
    # Opening and identity (process 1, domain-rules A1-A2)
    Param("open.deposit", "100.00", "money", _("Prepaid deposit at opening"), _("yuan")),
    Param("roaming.deposit", "500.00", "money", _("Deposit for international roaming"), _("yuan")),
    Param("identity.max_lines", "5", "int", _("Lines in effective use per identity"), pgettext_lazy("unit", "lines")),
    Param("identity.counted_line_states",
          # Every state but cancelled: a line awaiting activation is already registered to the
          # identity, else quick successive openings could pass the limit before the first activates.
          "pending_activation,active,suspended_request,suspended_loss,suspended_arrears,pending_cancellation",
          "list", _("Line states that count towards the per-identity limit")),
    Param("identity.national_cap_enabled", "false", "bool", _("Check the cross-operator card cap")),
    Param("identity.national_cap", "10", "int", _("Cross-operator card cap per identity"),
          pgettext_lazy("unit", "lines")),
    Param("identity.minor_age", "16", "int", _("Age below which a guardian must be present"), _("years")),
    Param("identity.retention_years", "2", "int", _("Keep identity data after service ends"), _("years")),
    # Pre-cancellation and cancellation (processes 3-4)
    Param("precancel.window_months", "3", "int", _("Pre-cancellation window"), _("months")),
    Param("precancel.avg_bill_threshold", "100.00", "money",
          _("Average bill of the last 3 months above which an extra prepayment is due"), _("yuan")),
    Param("precancel.extra_prepayment", "30.00", "money", _("Extra prepayment at pre-cancellation"), _("yuan")),
    # Transfer of ownership (process 5)
    Param("transfer.min_deposit", "200.00", "money", _("Minimum deposit after transfer"), _("yuan")),
    Param("transfer.min_deposit_international", "500.00", "money",
          _("Minimum deposit after transfer with international long distance"), _("yuan")),
    # Billing, arrears and points (processes 2, 9; domain-rules A9, A12)
    Param("billing.default_credit_limit", "0.00", "money", _("Default credit limit of an account"), _("yuan")),
    Param("billing.arrears_reminder_hours", "24", "int",
          _("Hours between the arrears reminder and the suspension"), _("hours")),
    Param("billing.huge_bill_factor", "3", "decimal", _("Bill above this many times the average is flagged")),
    Param("billing.huge_bill_history_months", "5", "int", _("Months in the average for huge-bill notices"),
          _("months")),
    Param("billing.late_fee_rate_per_day", "0.003", "decimal", _("Late fee per day of arrears")),
    Param("points.per_yuan", "1", "decimal", _("Points earned per yuan of paid bills"), _("points")),
    Param("points.expiry_months", "36", "int", _("Points expire after this many months"), _("months")),
    # Provisioning (process 1.8)
    Param("provisioning.max_attempts", "5", "int", _("Attempts before a work order is failed"),
          pgettext_lazy("unit", "attempts")),
    Param("provisioning.lease_seconds", "120", "int", _("Lease of a claimed work order"), _("seconds")),
    # Complaints (process 11, domain-rules A9)
    Param("complaint.answer_days", "15", "int", _("Days within which a complaint must be answered"), _("days")),
    Param("complaint.billing_dispute_months", "5", "int",
          _("Billing disputes older than this are out of scope"), _("months")),
    Param("complaint.other_dispute_months", "24", "int",
          _("Other disputes older than this are out of scope"), _("months")),
    # Points redemption (process 9)
    Param("points.group_confirm_minutes", "10", "int",
          _("Time the big-customer room has to confirm a group redemption"), _("minutes")),
    # The counter's money screens (issue 11): a second payment of the same amount for the same line
    # within this window asks the rep to confirm; a form's key survives Back and reload for as long.
    Param("counter.repeat_minutes", "10", "int",
          _("Minutes within which a payment of the same amount for the same line asks the rep to confirm"),
          _("minutes")),
    # Privacy
    Param("privacy.reveals_per_hour", "30", "int", _("Identity reveals per user per hour"), _("reveals")),
]

class _Registry(dict):
    """The kernel's parameters above plus every app's `<app>/tariffs.py` `PARAMS` list, loaded on first
    use (apps must be ready), once per process: the batch jobs' threads (boss.threads) may all ask first at
    once, and none reads the registry before it is whole."""

    _loaded = False
    _loading = threading.Lock()

    def _load(self):
        if self._loaded:
            return
        with self._loading:
            if self._loaded:
                return
            from boss.registry import app_modules

            params = {p.key: p for p in _PARAMS}
            for module in app_modules("tariffs"):
                for param in getattr(module, "PARAMS", []):
                    if param.key in params and module.__name__ != __name__:
                        raise LookupError(f"tariff parameter {param.key} is defined twice")
                    params[param.key] = param
            dict.update(self, params)
            self._loaded = True

    def __getitem__(self, key):
        self._load()
        return super().__getitem__(key)

    def get(self, key, default=None):
        self._load()
        return super().get(key, default)

    def values(self):
        self._load()
        return super().values()

    def __iter__(self):
        self._load()
        return super().__iter__()

    def __contains__(self, key):
        self._load()
        return super().__contains__(key)

    def __len__(self):
        self._load()
        return super().__len__()


REGISTRY: dict[str, Param] = _Registry()


# The values in force are kept in the shared cache (60 s, emptied when the admin saves one) and, in front
# of it, in this process for a few seconds: a request reads several parameters, and each read of the
# shared cache is a round trip to Redis. A change made in another process is seen here within LOCAL_SECONDS.
LOCAL_SECONDS = 5.0
_local: tuple[float, dict[str, str]] | None = None


def _raw_values() -> dict[str, str]:
    global _local
    now = time.monotonic()
    if _local is not None and _local[0] > now:
        return _local[1]
    values = cache.get(_CACHE_KEY)
    if values is None:
        from boss.models import TariffParameter

        values = dict(TariffParameter.objects.values_list("key", "value"))
        cache.set(_CACHE_KEY, values, 60)
    _local = (now + LOCAL_SECONDS, values)
    return values


def tariff(key: str):
    """The value in force of a tariff parameter, typed (Decimal for money, int, bool, tuple)."""
    param = REGISTRY[key]
    raw = _raw_values().get(key)
    if raw is None:
        return param.parse(param.default)
    try:
        return param.parse(raw)
    except ValueError:
        # A row that no longer parses (edited outside the admin) falls back to the default.
        return param.parse(param.default)


def tariff_cache_clear() -> None:
    global _local
    _local = None
    cache.delete(_CACHE_KEY)


def tariff_sync() -> int:
    """Create a row with the default for every parameter that has none. Returns how many were made."""
    from boss.models import TariffParameter

    existing = set(TariffParameter.objects.values_list("key", flat=True))
    missing = [TariffParameter(key=p.key, value=p.default) for p in REGISTRY.values() if p.key not in existing]
    TariffParameter.objects.bulk_create(missing)
    tariff_cache_clear()
    return len(missing)

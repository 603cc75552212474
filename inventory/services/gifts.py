"""Points gifts in stock at the redemption halls (process 9): deliveries received from a CSV file, counts,
and the one-by-one take and put-back the redemption calls inside its own transaction.

Each change is a `GiftStockMovement` written once; the `GiftStock` row holds the quantity, is the lock two
counters meet on (plain row lock: skipping would give wrong answers, domain-rules B4) and cannot go below
zero (a CHECK). Only redemption halls hold gifts.

CSV of a delivery (UTF-8 or GB18030, first line names the columns): `gift` (the gift's code), `quantity`
(a whole number above zero), optional `note`.
"""

import csv
import io

from django.db import transaction
from django.utils.translation import gettext as _

from boss.audit import audit_record
from boss.locks import lock
from boss.models import Hall, Staff
from boss.permissions import ensure_same_hall
from inventory.errors import GiftOutOfStockError, GiftStockCountError, ImportRefusedError, NotRedemptionHallError
from inventory.models import Gift, GiftStock, GiftStockMovement, StockImport
from inventory.services.stock import COLUMNS, _decode

MAX_QUANTITY_PER_LINE = 100_000
REPORT_MAX_ITEMS = 500
Kind = GiftStockMovement.Kind


def _redemption_hall(*, actor: Staff, hall: Hall | None) -> Hall:
    hall = hall or actor.hall
    if hall is None:
        raise ImportRefusedError(_("Choose the hall the stock goes to."), field="hall")
    ensure_same_hall(actor=actor, hall_id=hall.pk)
    if not hall.redemption_hall:
        raise NotRedemptionHallError(hall=hall.name)
    return hall


def _stock_locked(*, gift_id: int, hall_id: int, create: bool) -> GiftStock | None:
    """The stock row, locked. A row missing is created first (a concurrent creation meets the unique
    constraint and is read again), so the lock is always on the one row."""
    row = lock(GiftStock.objects.filter(gift_id=gift_id, hall_id=hall_id)).first()
    if row is None and create:
        GiftStock.objects.bulk_create([GiftStock(gift_id=gift_id, hall_id=hall_id, quantity=0)],
                                      ignore_conflicts=True)
        row = lock(GiftStock.objects.filter(gift_id=gift_id, hall_id=hall_id)).first()
    return row


def _move(*, stock: GiftStock, actor: Staff, kind: str, delta: int, reference: str = "", note: str = "",
          batch: StockImport | None = None) -> GiftStockMovement:
    stock.quantity += delta
    stock.save(update_fields=["quantity", "updated_at"])
    return GiftStockMovement.objects.create(stock=stock, kind=kind, delta=delta, quantity_after=stock.quantity,
                                            reference=reference[:60], note=note[:200], actor=actor, batch=batch)


@transaction.atomic
def gift_stock_import(*, actor: Staff, data: bytes | str, filename: str = "", hall: Hall | None = None) -> StockImport:
    """Receive a delivery of gifts into a redemption hall's stock from a CSV file. Good lines are received
    (one movement each), bad lines reported with their line numbers. Raises ImportRefusedError,
    NotRedemptionHallError, NotPermitted."""
    hall = _redemption_hall(actor=actor, hall=hall)
    reader = csv.reader(io.StringIO(_decode(data)))
    required, optional = COLUMNS[StockImport.Kind.GIFT]
    header = [h.strip().lower() for h in next(reader, [])]
    if [c for c in required if c not in header] or [c for c in header if c not in required + optional] \
            or len(set(header)) != len(header):
        raise ImportRefusedError(
            _("The first line must name the columns %(columns)s; found: %(found)s.")
            % {"columns": ", ".join(required + optional), "found": ", ".join(header)[:200] or "-"})
    batch = StockImport.objects.create(kind=StockImport.Kind.GIFT, hall=hall, actor=actor, filename=filename[:200])
    gifts = {g.code: g for g in Gift.objects.all()}
    received: dict[int, int] = {}
    notes: dict[int, str] = {}
    errors: list[list] = []
    error_count = 0
    for line_no, cells in enumerate(reader, start=2):
        if not any(v.strip() for v in cells):
            continue
        row = dict(zip(header, cells, strict=False))
        gift = gifts.get((row.get("gift") or "").strip())
        raw = (row.get("quantity") or "").strip()
        reason = ""
        if len(cells) != len(header):
            reason = _("Expected %(expected)s columns, found %(found)s.") % {"expected": len(header),
                                                                              "found": len(cells)}
        elif gift is None:
            reason = _("Unknown gift: %(value)s") % {"value": (row.get("gift") or "")[:30]}
        elif not raw.isdigit() or not 0 < int(raw) <= MAX_QUANTITY_PER_LINE:
            reason = _("The quantity must be a whole number from 1 to %(max)s.") % {"max": MAX_QUANTITY_PER_LINE}
        if reason:
            error_count += 1
            if len(errors) < REPORT_MAX_ITEMS:
                errors.append([line_no, reason])
            continue
        assert gift is not None
        received[gift.pk] = received.get(gift.pk, 0) + int(raw)
        notes.setdefault(gift.pk, (row.get("note") or "").strip())
    for gift_id in sorted(received):   # several stock rows: in key order
        stock = _stock_locked(gift_id=gift_id, hall_id=hall.pk, create=True)
        assert stock is not None
        _move(stock=stock, actor=actor, kind=Kind.RECEIVE, delta=received[gift_id], reference=f"import:{batch.pk}",
              note=notes[gift_id], batch=batch)
    batch.created_count = sum(received.values())
    batch.error_count = error_count
    batch.report = {"errors": errors, "duplicates": []}
    batch.save(update_fields=["created_count", "error_count", "report"])
    audit_record(actor=actor, action="gift_stock.receive", target=batch, hall=hall,
                 after={"file": filename[:100], "received": batch.created_count, "refused": error_count})
    return batch


@transaction.atomic
def gift_stock_count(*, actor: Staff, gift: Gift, hall: Hall, counted: int, note: str = "") -> GiftStockMovement:
    """Record a count of the shelf (盘点): the stock becomes what was counted, the difference is a movement.
    Raises GiftStockCountError, NotRedemptionHallError, NotPermitted."""
    if not isinstance(counted, int) or isinstance(counted, bool) or not 0 <= counted <= 10_000_000:
        raise GiftStockCountError()
    hall = _redemption_hall(actor=actor, hall=hall)
    stock = _stock_locked(gift_id=gift.pk, hall_id=hall.pk, create=True)
    assert stock is not None
    before = stock.quantity
    movement = _move(stock=stock, actor=actor, kind=Kind.COUNT, delta=counted - before, note=note)
    audit_record(actor=actor, action="gift_stock.count", target=stock, hall=hall,
                 before={"quantity": before}, after={"quantity": counted}, reason=note[:200])
    return movement


def gift_stock_take(*, actor: Staff, gift: Gift, hall: Hall, reference: str) -> GiftStockMovement:
    """Take one gift from the hall's stock for a redemption, in the caller's transaction (after the
    customer's and the points' locks). Raises NotRedemptionHallError, GiftOutOfStockError."""
    if not hall.redemption_hall:
        raise NotRedemptionHallError(hall=hall.name)
    stock = _stock_locked(gift_id=gift.pk, hall_id=hall.pk, create=False)
    if stock is None or stock.quantity < 1:
        raise GiftOutOfStockError(gift=gift.name)
    return _move(stock=stock, actor=actor, kind=Kind.REDEEM, delta=-1, reference=reference)


def gift_stock_put_back(*, actor: Staff, gift: Gift, hall: Hall, reference: str) -> GiftStockMovement:
    """Put a returned gift back into the hall's stock, in the caller's transaction."""
    stock = _stock_locked(gift_id=gift.pk, hall_id=hall.pk, create=True)
    assert stock is not None
    return _move(stock=stock, actor=actor, kind=Kind.RETURN, delta=1, reference=reference)

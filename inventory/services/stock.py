"""Stock of a hall (SIM cards, handsets, recharge cards) and the number pool: CSV import, issuing a SIM
card to a line, redeeming a recharge card.

CSV format (UTF-8, with or without BOM, or GB18030 as Excel saves it in Chinese Windows): the first line
names the columns, in any order; empty lines are ignored. One file holds one kind:

| kind | required columns | optional |
|---|---|---|
| number | msisdn | operator (cmcc, cucc, ctcc, cbn; default cmcc) |
| sim | iccid, imsi, capacity (64k, 128k, usim) | |
| handset | imei, model (the code of a handset model) | |
| recharge_card | serial, pin, face_value, valid_until (YYYY-MM-DD) | |
| gift | gift (the gift's code), quantity | note (received into a redemption hall: inventory.services.gifts) |

Good lines are kept; a malformed line is reported with its line number; a line whose key (number,
ICCID, IMSI, IMEI, serial) is already in stock or earlier in the file is skipped and reported. PINs are
hashed at once and never stored, logged or reported.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import imei as stdnum_imei

from boss.audit import audit_record
from boss.errors import DomainError
from boss.keyed_hash import keyed_hash, keyed_hash_check
from boss.locks import lock
from boss.models import Staff
from boss.permissions import ensure_same_hall
from boss.prepared import Prepared
from catalog.grading import grader_from_db
from catalog.models import SimCapacity
from customers.identity import msisdn_normalize
from inventory.errors import (
    ImportRefusedError,
    RechargeCardInvalidError,
    RechargeCardUnusableError,
    RechargeCardUsedError,
    SimCardUnavailableError,
)
from inventory.models import (
    Handset,
    HandsetModel,
    NumberResource,
    NumberSegment,
    Operator,
    RechargeCard,
    SimCard,
    StockImport,
)
from inventory.selectors import number_free_q

IMPORT_MAX_BYTES = 20 * 1024 * 1024   # a technical guard, not policy: 200,000 lines are about 8 MB
IMPORT_MAX_LINES = 200_000
REPORT_MAX_ITEMS = 500                # the report keeps the first refusals; the counts are complete
_CHUNK = 2000

Kind = StockImport.Kind
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    Kind.NUMBER: (("msisdn",), ("operator",)),
    Kind.SIM: (("iccid", "imsi", "capacity"), ()),
    Kind.HANDSET: (("imei", "model"), ()),
    Kind.RECHARGE_CARD: (("serial", "pin", "face_value", "valid_until"), ()),
    Kind.GIFT: (("gift", "quantity"), ("note",)),   # counted, not one row each: inventory.services.gifts
}


class _RowError(Exception):
    pass


@dataclass
class _Parsed:
    line: int
    keys: tuple[str, ...]   # unique keys of the row (ICCID and IMSI for a SIM card)
    values: dict


# --------------------------------------------------------------------------------------------------
# Recharge-card PINs
# --------------------------------------------------------------------------------------------------


PIN_PURPOSE = "orders.recharge_card.pin"  # the HMAC's key salt since the first cards (keeps their hashes)


def recharge_pin_hash(*, serial: str, pin: str) -> str:
    """A keyed hash of the PIN (boss/keyed_hash.py: HMAC-SHA256 under a server key with a key id, the
    serial as salt).

    Why not Django's password hasher: PBKDF2 costs ~0.3 s per card, hours for a batch of 100,000 cards.
    A recharge PIN is 16-19 random digits (more than 50 bits) chosen by the card factory, not a human
    password, so a slow hash adds nothing; what protects it is the key, kept outside the database: a
    stolen table cannot be checked against guesses.
    """
    return keyed_hash(PIN_PURPOSE, pin, salt=serial)


def _pin_matches(card: RechargeCard, pin: str) -> bool:
    encoded = card.pin_hash
    if encoded.count("$") == 1:  # hmac_sha256$<digest>: made before key ids, under SECRET_KEY (key "s0")
        encoded = encoded.replace("$", f"$s0${card.serial}$", 1)
    return keyed_hash_check(PIN_PURPOSE, pin, encoded)


# --------------------------------------------------------------------------------------------------
# Line parsers: each returns the unsaved object and its keys, or raises _RowError with the reason
# --------------------------------------------------------------------------------------------------


def _digits(value: str, *, lengths: tuple[int, ...], label: str, prefix: str = "") -> str:
    value = (value or "").strip().replace(" ", "")
    if not value.isdigit() or len(value) not in lengths or not value.startswith(prefix):
        raise _RowError(_("%(label)s is not valid: %(value)s") % {"label": label, "value": value[:24]})
    return value


class _NumberRows:
    def __init__(self, batch: StockImport):
        self.batch = batch
        self.segments = {s.prefix: s for s in NumberSegment.objects.all()}
        self.grader = grader_from_db()
        self.operators = set(Operator.values)

    def parse(self, row: dict) -> tuple[tuple[str, ...], dict]:
        try:
            msisdn = msisdn_normalize(row["msisdn"])
        except DomainError as exc:
            raise _RowError(str(exc.message)) from None
        segment = self.segments.get(msisdn[:4]) or self.segments.get(msisdn[:3])
        if segment is None or not segment.active or segment.number_length != len(msisdn):
            raise _RowError(_("%(msisdn)s is not in a segment we sell at the counter.") % {"msisdn": msisdn})
        operator = (row.get("operator") or Operator.CMCC).strip().lower()
        if operator not in self.operators:
            raise _RowError(_("Unknown operator: %(value)s") % {"value": operator[:10]})
        grade_id, pattern = self.grader.grade(msisdn)
        return (msisdn,), {"msisdn": msisdn, "segment_id": segment.pk, "grade_id": grade_id, "pattern": pattern,
                           "operator": operator}


class _SimRows:
    capacities = {c.lower(): c for c in SimCapacity.values}

    def __init__(self, batch: StockImport):
        self.batch = batch

    def parse(self, row: dict) -> tuple[tuple[str, ...], dict]:
        iccid = _digits(row["iccid"], lengths=(19, 20), label="ICCID", prefix="89")
        imsi = _digits(row["imsi"], lengths=(15,), label="IMSI", prefix="460")
        capacity = self.capacities.get((row["capacity"] or "").strip().lower())
        if capacity is None:
            raise _RowError(_("Capacity must be 64k, 128k or usim."))
        return (iccid, imsi), {"iccid": iccid, "imsi": imsi, "capacity": capacity, "hall_id": self.batch.hall_id}


class _HandsetRows:
    def __init__(self, batch: StockImport):
        self.batch = batch
        self.models = {m.code: m for m in HandsetModel.objects.all()}

    def parse(self, row: dict) -> tuple[tuple[str, ...], dict]:
        imei = _digits(row["imei"], lengths=(15,), label="IMEI")
        if not stdnum_imei.is_valid(imei):
            raise _RowError(_("IMEI check digit is wrong: %(value)s") % {"value": imei})
        model = self.models.get((row["model"] or "").strip())
        if model is None:
            raise _RowError(_("Unknown handset model: %(value)s") % {"value": (row["model"] or "")[:30]})
        return (imei,), {"imei": imei, "model_id": model.pk, "hall_id": self.batch.hall_id}


class _RechargeRows:
    def __init__(self, batch: StockImport):
        self.batch = batch
        self.today = timezone.localdate()

    def parse(self, row: dict) -> tuple[tuple[str, ...], dict]:
        serial = _digits(row["serial"], lengths=tuple(range(10, 21)), label=_("Serial number"))
        pin = (row["pin"] or "").strip()
        if not pin.isdigit() or not 6 <= len(pin) <= 20:
            raise _RowError(_("The PIN must be 6 to 20 digits."))
        try:
            face_value = Decimal((row["face_value"] or "").strip())
        except InvalidOperation:
            face_value = Decimal("-1")
        if not face_value.is_finite() or face_value <= 0 or face_value != face_value.quantize(Decimal("0.01")) \
                or face_value >= Decimal("100000"):
            raise _RowError(_("The face value must be an amount in yuan above zero."))
        try:
            valid_until = date.fromisoformat((row["valid_until"] or "").strip())
        except ValueError:
            raise _RowError(_("The date must be written as YYYY-MM-DD.")) from None
        if valid_until < self.today:
            raise _RowError(_("The card is already past its date."))
        return (serial,), {"serial": serial, "pin_hash": recharge_pin_hash(serial=serial, pin=pin),
                           "face_value": face_value.quantize(Decimal("0.01")), "valid_until": valid_until,
                           "hall_id": self.batch.hall_id, "redeemed_for": ""}


_PARSERS: dict[str, type[_NumberRows | _SimRows | _HandsetRows | _RechargeRows]] = {
    Kind.NUMBER: _NumberRows, Kind.SIM: _SimRows, Kind.HANDSET: _HandsetRows, Kind.RECHARGE_CARD: _RechargeRows}
_KEY_FIELDS = {Kind.NUMBER: (NumberResource, ("msisdn",)), Kind.SIM: (SimCard, ("iccid", "imsi")),
               Kind.HANDSET: (Handset, ("imei",)), Kind.RECHARGE_CARD: (RechargeCard, ("serial",))}


# --------------------------------------------------------------------------------------------------
# The import
# --------------------------------------------------------------------------------------------------


def _insert_ignoring_conflicts(model, rows: list[dict], *, batch: StockImport) -> int:
    """Insert rows with multi-row INSERT ... ON CONFLICT DO NOTHING (PostgreSQL and SQLite).

    Why not bulk_create: building a model instance per row (with the FSM mixins) costs more than the
    database's own work; 100,000 numbers took 10 s that way on SQLite and take 2 s this way. A
    concurrent import of the same keys loses the race quietly here: the count returned leaves it out.
    """
    if not rows:
        return 0
    conn = connections[router.db_for_write(model)]
    now = timezone.now()
    stamp = conn.ops.adapt_datetimefield_value(now)
    status = str(model._meta.get_field("status").default)
    fields = [*rows[0].keys(), "status", "batch", "created_at", "updated_at"]
    adapters: dict[str, Callable] = {}
    for name in fields:
        internal = model._meta.get_field(name.removesuffix("_id")).get_internal_type()
        if internal == "DateField":
            adapters[name] = conn.ops.adapt_datefield_value
        elif internal == "DecimalField":
            adapters[name] = conn.ops.adapt_decimalfield_value
    quote = conn.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(f.removesuffix("_id")).column) for f in fields)
    per_statement = max(1, 16000 // len(fields))
    inserted = 0
    with conn.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start:start + per_statement]
            params: list = []
            for row in chunk:
                params.extend(adapters[k](v) if k in adapters else v for k, v in row.items())
                params.extend((status, batch.pk, stamp, stamp))
            one = "(" + ", ".join(["%s"] * len(fields)) + ")"
            cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "
                           f"{', '.join([one] * len(chunk))} ON CONFLICT DO NOTHING", params)
            inserted += cursor.rowcount
    return inserted



def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    if len(data) > IMPORT_MAX_BYTES:
        raise ImportRefusedError(_("The file is larger than %(mb)s MB: split it.") % {"mb": IMPORT_MAX_BYTES // 2**20})
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefusedError(_("The file is not text in UTF-8 or GB18030."))


def _header(reader, kind: str) -> list[str]:
    required, optional = COLUMNS[kind]
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in required + optional]
    if missing or unknown or len(set(header)) != len(header):
        raise ImportRefusedError(
            _("The first line must name the columns %(columns)s; found: %(found)s.")
            % {"columns": ", ".join(required + optional), "found": ", ".join(header)[:200] or "-"})
    return header


def _existing(model, field: str, keys: list[str]) -> set[str]:
    """The keys already in stock, looked up in chunks in the key's unique index. On PostgreSQL bitmap scans are
    off for these statements (restored after): the numbers' trigram index of `contains` answers `=` too
    (pg_trgm 1.6), the planner may find it cheap for a long IN list, and it is slow for one (each of 2,000
    numbers' trigrams recurs in most of the pool): seen as 17 s a chunk, the demo's import timing out in CI."""
    alias = router.db_for_write(model)
    found: set[str] = set()
    with connections[alias].cursor() as cursor:
        postgres = connections[alias].vendor == "postgresql"
        if postgres:
            cursor.execute("SELECT current_setting('enable_bitmapscan'), set_config('enable_bitmapscan', 'off', true)")
            before = cursor.fetchone()[0]
        try:
            for start in range(0, len(keys), _CHUNK):
                found.update(model.objects.using(alias).filter(**{f"{field}__in": keys[start:start + _CHUNK]})
                             .values_list(field, flat=True))
        finally:
            if postgres:
                cursor.execute("SELECT set_config('enable_bitmapscan', %s, true)", [before])
    return found


ANALYZE_AFTER = 10_000


@transaction.atomic
def stock_import(*, actor: Staff, kind: str, data: bytes | str, filename: str = "", hall=None) -> StockImport:
    """Import a CSV file of one kind into a hall's stock (or, for numbers, into the pool, graded).

    Good lines are kept, malformed ones reported with their line numbers, duplicates skipped.
    Raises ImportRefusedError (no header, unknown columns, not text, too large), NotPermitted (another hall).
    """
    if kind not in COLUMNS:
        raise ImportRefusedError(_("Unknown kind of stock."))
    if kind == Kind.GIFT:
        from inventory.services.gifts import gift_stock_import

        return gift_stock_import(actor=actor, data=data, filename=filename, hall=hall)
    if kind != Kind.NUMBER:
        hall = hall or actor.hall
        if hall is None:
            raise ImportRefusedError(_("Choose the hall the stock goes to."), field="hall")
        ensure_same_hall(actor=actor, hall_id=hall.pk)
    else:
        hall = None
    reader = csv.reader(io.StringIO(_decode(data)))
    header = _header(reader, kind)
    batch = StockImport.objects.create(kind=kind, hall=hall, actor=actor, filename=filename[:200])
    parser = _PARSERS[StockImport.Kind(kind)](batch)
    model, key_fields = _KEY_FIELDS[StockImport.Kind(kind)]

    parsed: list[_Parsed] = []
    errors: list[list] = []
    duplicates: list[list] = []
    error_count = 0
    seen: set[str] = set()
    for line_no, cells in enumerate(reader, start=2):
        if not any(v.strip() for v in cells):
            continue
        if line_no > IMPORT_MAX_LINES + 1:
            raise ImportRefusedError(_("The file has more than %(n)s lines: split it.") % {"n": IMPORT_MAX_LINES})
        try:
            if len(cells) != len(header):
                raise _RowError(_("Expected %(expected)s columns, found %(found)s.")
                                % {"expected": len(header), "found": len(cells)})
            keys, values = parser.parse(dict(zip(header, cells, strict=True)))
        except _RowError as exc:
            error_count += 1
            if len(errors) < REPORT_MAX_ITEMS:
                errors.append([line_no, str(exc)])
            continue
        if any(k in seen for k in keys):
            duplicates.append([line_no, keys[0]])
            continue
        seen.update(keys)
        parsed.append(_Parsed(line_no, keys, values))

    # Keys already in stock (any status) are duplicates too.
    taken: set[str] = set()
    for position, field in enumerate(key_fields):
        taken |= _existing(model, field, [p.keys[position] for p in parsed])
    fresh = []
    for p in parsed:
        if any(k in taken for k in p.keys):
            duplicates.append([p.line, p.keys[0]])
        else:
            fresh.append(p.values)
    created = _insert_ignoring_conflicts(model, fresh, batch=batch)

    duplicates.sort()
    batch.created_count = created
    batch.duplicate_count = len(duplicates) + (len(fresh) - created)
    batch.error_count = error_count
    batch.report = {"errors": errors, "duplicates": duplicates[:REPORT_MAX_ITEMS]}
    batch.save(update_fields=["created_count", "duplicate_count", "error_count", "report"])
    if created >= ANALYZE_AFTER and connections[router.db_for_write(model)].vendor == "postgresql":
        # A large delivery changes the table's shape: refresh the planner's statistics now, not at the next
        # autovacuum, or number search plans on the old counts (seen: 160 ms instead of 10 ms per page).
        with connections[router.db_for_write(model)].cursor() as cursor:
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    audit_record(actor=actor, action="stock.import", target=batch, hall=hall or actor.hall,
                 after={"kind": kind, "file": filename[:100], "added": created,
                        "duplicates": batch.duplicate_count, "refused": error_count})
    return batch


# --------------------------------------------------------------------------------------------------
# SIM cards and recharge cards used by the later processes
# --------------------------------------------------------------------------------------------------


@transaction.atomic
def sim_card_assign(*, actor: Staff, iccid: str = "", capacity: str = "") -> SimCard:
    """Issue a SIM card of the actor's hall stock to a new line (called by the opening of an account and the
    SIM replacement, inside their transactions): the card whose ICCID the rep scanned, or else, with no ICCID,
    the hall's first card in stock of the capacity, picked and locked once (sim_card_pick).
    Raises SimCardUnavailableError, NotPermitted."""
    if iccid:
        sim = lock(SimCard.objects.filter(iccid=iccid.strip())).first()
        if sim is None or sim.status != SimCard.Status.IN_STOCK:
            raise SimCardUnavailableError(iccid=iccid[:20])
        ensure_same_hall(actor=actor, hall_id=sim.hall_id)
    else:
        sim = sim_card_pick(actor=actor, capacity=capacity)
    sim.assign(when=timezone.now())
    sim.save(update_fields=["status", "assigned_at", "updated_at"])
    audit_record(actor=actor, action="sim.assign", target=sim, before={"status": SimCard.Status.IN_STOCK},
                 after={"status": sim.status})
    return sim


@transaction.atomic
def recharge_card_redeem(*, actor: Staff, serial: str, pin: str, msisdn: str = "") -> RechargeCard:
    """Use a recharge card exactly once (the fee-collection process posts its face value).

    The card's row is locked first, so two counters (or a double click) redeeming one card meet on the
    lock and the second sees it used. A card of any hall can be redeemed anywhere.
    Raises RechargeCardInvalidError (unknown serial or wrong PIN, one message for both), RechargeCardUsedError,
    RechargeCardUnusableError (void or past its date).
    """
    serial = (serial or "").strip()
    card = lock(RechargeCard.objects.filter(serial=serial)).first()
    if card is None or not _pin_matches(card, (pin or "").strip()):
        raise RechargeCardInvalidError()
    if card.status == RechargeCard.Status.REDEEMED:
        raise RechargeCardUsedError(serial=serial)
    if card.status != RechargeCard.Status.ACTIVE or card.valid_until < timezone.localdate():
        raise RechargeCardUnusableError(serial=serial)
    card.redeem(when=timezone.now(), by=actor, msisdn=(msisdn or "")[:11])
    card.save(update_fields=["status", "redeemed_at", "redeemed_by", "redeemed_for", "updated_at"])
    audit_record(actor=actor, action="recharge_card.redeem", target=card,
                 before={"status": RechargeCard.Status.ACTIVE},
                 after={"status": card.status, "face_value": str(card.face_value)})
    return card


# Every opening picks a card (SKIP LOCKED): compiled once per process (boss/prepared.py; issue 20). The stock index
# (hall, status, capacity, id) serves it whatever the values, so its plan does not turn on them.
_SIM_PICKED = Prepared(lambda hall, capacity: lock(SimCard.objects.filter(
    hall_id=hall, capacity=capacity, status=SimCard.Status.IN_STOCK).order_by("pk"), skip_locked=True)[:1], int, str)


def sim_card_pick(*, actor: Staff, capacity: str) -> SimCard:
    """An in-stock SIM card of this capacity from the actor's hall, locked (SKIP LOCKED: two counters
    never wait on, or take, the same card). Raises SimCardUnavailableError."""
    if actor.hall_id is None:
        sim = None   # no hall, no stock
    else:
        sim = _SIM_PICKED.first(actor.hall_id, capacity)
    if sim is None:
        label = dict(SimCard._meta.get_field("capacity").choices).get(capacity, capacity)
        raise SimCardUnavailableError(_("No %(capacity)s SIM card is left in this hall's stock.") % {"capacity": label},
                                 field="sim_capacity", capacity=capacity)
    return sim


@transaction.atomic
def sim_card_return(*, actor: Staff, iccid: str, reason: str = "") -> SimCard:
    """Put a card issued to a rolled-back opening back into its hall's stock."""
    sim = lock(SimCard.objects.all()).get(iccid=iccid)
    if sim.status != SimCard.Status.ASSIGNED:
        return sim
    sim.return_to_stock()
    sim.save(update_fields=["status", "assigned_at", "updated_at"])
    audit_record(actor=actor, action="sim.return", target=sim, before={"status": SimCard.Status.ASSIGNED},
                 after={"status": sim.status}, reason=reason)
    return sim


# --------------------------------------------------------------------------------------------------
# Re-grading the pool after a change to the grade table
# --------------------------------------------------------------------------------------------------


@dataclass
class RegradeResult:
    checked: int
    changed: int


def numbers_regrade(*, actor: Staff, batch_size: int = 5000) -> RegradeResult:
    """Grade the pool again by the grade table in force (domain-rules A10): a number is graded when it
    enters the pool and the grade is stored, so a new or changed rule reaches the numbers already in the
    pool only through this job. Only free numbers (`number_free_q`) change grade: a live reservation (a
    quote is on the counter), an assigned number (its agreement is made) and a number cooling down keep
    the grade they were quoted or sold with. Each batch is its own transaction: the changed rows are locked
    and their eligibility checked again, so a number a rep reserves meanwhile keeps its grade; a run killed
    half-way is finished by the next one, and a second run changes nothing. One audit event for the run.
    """
    grader = grader_from_db()

    def free():
        return NumberResource.objects.filter(number_free_q(timezone.now()))

    checked = changed = 0
    last_pk = 0
    while True:
        rows = list(free().filter(pk__gt=last_pk).order_by("pk")
                    .values_list("pk", "msisdn", "grade_id", "pattern")[:batch_size])
        if not rows:
            break
        last_pk = rows[-1][0]
        checked += len(rows)
        new = {}
        for pk, msisdn, grade_id, pattern in rows:
            graded = grader.grade(msisdn)
            if graded != (grade_id, pattern):
                new[pk] = graded
        if not new:
            continue
        with transaction.atomic():
            locked = list(lock(free().filter(pk__in=list(new)).only("pk"), key=True, skip_locked=True))
            for number in locked:
                number.grade_id, number.pattern = new[number.pk]
            NumberResource.objects.bulk_update(locked, ["grade", "pattern"])
            changed += len(locked)
    audit_record(actor=actor, action="numbers.regrade", target=None, after={"checked": checked, "changed": changed})
    return RegradeResult(checked=checked, changed=changed)

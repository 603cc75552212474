"""Importing usage records (话单) from the switch's CSV files.

Format (UTF-8, comma-separated, one header line, then one record per line):

    record_id,msisdn,kind,direction,started_at,duration_seconds,volume_kb,other_party,roaming,long_distance
    CDR202611000001,13800138000,voice,out,2026-11-01T08:15:00+08:00,125,0,13900139000,0,1

- record_id: the switch's id, 1-40 characters of A-Z a-z 0-9 _ - (a record seen before is skipped)
- msisdn: the 11-digit number of the line; the line that held it at started_at is charged
- kind: voice | sms | data;  direction: out | in
- started_at: ISO 8601 with a UTC offset
- duration_seconds (voice), volume_kb (data): whole numbers >= 0
- other_party: the other number (may be empty for data)
- roaming, long_distance: 0 or 1

A malformed line is reported with its line number and skipped; the good lines are kept. The file is
processed in chunks, each in its own transaction, so an import killed half-way is finished by importing
the same file again (what was imported is skipped as duplicate).
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

import django_fsm as fsm
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.errors import UsageImportStateError
from billing.models import UsageImport, UsageRecord
from boss.audit import audit_record
from boss.locks import lock_by_key
from boss.models import Staff

HEADER = ["record_id", "msisdn", "kind", "direction", "started_at", "duration_seconds", "volume_kb",
          "other_party", "roaming", "long_distance"]
CHUNK = 20_000
MAX_ERRORS_KEPT = 1000
_RECORD_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_MSISDN = re.compile(r"^1[3-9]\d{9}$")
_OTHER = re.compile(r"^\+?[0-9]{0,20}$")


@dataclass
class ImportStats:
    total_lines: int = 0
    imported: int = 0
    duplicates: int = 0
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0

    def error(self, line_no: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append({"line": line_no, "error": message})


def _parse(line_no: int, row: list[str], stats: ImportStats) -> tuple | None:
    if len(row) != len(HEADER):
        stats.error(line_no, _("expected %(n)d fields, found %(m)d") % {"n": len(HEADER), "m": len(row)})
        return None
    record_id, msisdn, kind, direction, started, duration, volume, other, roaming, long_distance = (
        v.strip() for v in row)
    if not _RECORD_ID.match(record_id):
        stats.error(line_no, _("bad record id"))
        return None
    if not _MSISDN.match(msisdn):
        stats.error(line_no, _("bad mobile number"))
        return None
    if kind not in UsageRecord.Kind.values:
        stats.error(line_no, _("unknown kind %(kind)s") % {"kind": kind[:10]})
        return None
    if direction not in UsageRecord.Direction.values:
        stats.error(line_no, _("unknown direction"))
        return None
    try:
        started_at = datetime.fromisoformat(started)
    except ValueError:
        stats.error(line_no, _("bad start time"))
        return None
    if started_at.tzinfo is None:
        stats.error(line_no, _("the start time needs a UTC offset"))
        return None
    if not (duration.isdigit() and volume.isdigit()):
        stats.error(line_no, _("duration and volume must be whole numbers"))
        return None
    if roaming not in ("0", "1") or long_distance not in ("0", "1"):
        stats.error(line_no, _("roaming and long distance must be 0 or 1"))
        return None
    if not _OTHER.match(other):
        stats.error(line_no, _("bad other party"))
        return None
    return (record_id, msisdn, kind, direction, started_at, int(duration), int(volume), other,
            roaming == "1", long_distance == "1", line_no)


def _lines_for(msisdns: Iterable[str]) -> dict[str, list[tuple]]:
    """Every line that ever held these numbers, with its live interval."""
    from customers.models import Line

    out: dict[str, list[tuple]] = {}
    for pk, msisdn, activated, cancelled, created in (
            Line.objects.filter(msisdn__in=set(msisdns))
            .values_list("pk", "msisdn", "activated_at", "cancelled_at", "created_at")):
        out.setdefault(msisdn, []).append((pk, activated or created, cancelled))
    return out


def _line_at(candidates: list[tuple], when: datetime) -> int | None:
    for pk, start, end in candidates:
        if start <= when and (end is None or when < end):
            return pk
    return None


def _insert(rows: list[tuple], import_id: int) -> int:
    """Insert a chunk; records already present (by record id) are skipped. Returns how many were new."""
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        buf = io.StringIO()
        writer = csv.writer(buf)
        for r in rows:
            writer.writerow([r[0], r[11], r[1], r[2], r[3], r[4].isoformat(), r[5], r[6], r[7],
                             "t" if r[8] else "f", "t" if r[9] else "f", import_id])
        buf.seek(0)
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE IF NOT EXISTS usage_stage ON COMMIT DELETE ROWS AS SELECT record_id, "
                           "line_id, msisdn, kind, direction, started_at, duration_seconds, volume_kb, other_party, "
                           "roaming, long_distance, usage_import_id FROM billing_usagerecord WITH NO DATA")
            cursor.execute("TRUNCATE usage_stage")
            cursor.cursor.copy_expert(
                "COPY usage_stage (record_id, line_id, msisdn, kind, direction, started_at, duration_seconds, "
                "volume_kb, other_party, roaming, long_distance, usage_import_id) FROM STDIN "
                "WITH (FORMAT csv, FORCE_NOT_NULL (other_party))", buf)
            cursor.execute(
                "INSERT INTO billing_usagerecord (record_id, line_id, msisdn, kind, direction, started_at, "
                "duration_seconds, volume_kb, other_party, roaming, long_distance, usage_import_id) "
                "SELECT DISTINCT ON (record_id) record_id, line_id, msisdn, kind, direction, started_at, "
                "duration_seconds, volume_kb, other_party, roaming, long_distance, usage_import_id FROM usage_stage "
                "ORDER BY record_id ON CONFLICT (record_id) DO NOTHING")
            return cursor.rowcount
    before = UsageRecord.objects.count()
    UsageRecord.objects.bulk_create(
        [UsageRecord(record_id=r[0], msisdn=r[1], kind=r[2], direction=r[3], started_at=r[4], duration_seconds=r[5],
                     volume_kb=r[6], other_party=r[7], roaming=r[8], long_distance=r[9], line_id=r[11],
                     usage_import_id=import_id) for r in rows],
        ignore_conflicts=True, batch_size=2000)
    return UsageRecord.objects.count() - before


def usage_import_lines(*, usage_import: UsageImport, lines: Iterator[str],
                       total_hint: int | None = None) -> UsageImport:
    """Import an iterator of CSV text lines (with the header) into `usage_import`, chunk by chunk,
    updating its progress. Safe to run again on the same file.

    Raises UsageImportStateError (the import is finished already)."""
    stats = ImportStats()
    _start(usage_import)
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None or [h.strip() for h in header] != HEADER:
        stats.error(1, _("the first line must be the header: %(h)s") % {"h": ",".join(HEADER)})
        return _finish(usage_import, stats, failed=True)
    chunk: list[tuple] = []
    for line_no, row in enumerate(reader, start=2):
        stats.total_lines += 1
        parsed = _parse(line_no, row, stats)
        if parsed is not None:
            chunk.append(parsed)
        if len(chunk) >= CHUNK:
            _flush(usage_import, chunk, stats, total_hint)
            chunk = []
    _flush(usage_import, chunk, stats, total_hint)
    return _finish(usage_import, stats)


def _flush(usage_import, chunk, stats, total_hint):
    if not chunk:
        return
    candidates = _lines_for(r[1] for r in chunk)
    rows = []
    for r in chunk:
        line_id = _line_at(candidates.get(r[1], []), r[4])
        if line_id is None:
            stats.error(r[10], _("no line held %(msisdn)s at that time") % {"msisdn": r[1]})
            continue
        rows.append((*r[:11], line_id))
    with transaction.atomic():
        inserted = _insert(rows, usage_import.pk)
    stats.imported += inserted
    stats.duplicates += len(rows) - inserted
    progress = min(99, int(100 * stats.total_lines / total_hint)) if total_hint else 0
    UsageImport.objects.filter(pk=usage_import.pk).update(
        total_lines=stats.total_lines, imported=stats.imported, duplicates=stats.duplicates,
        error_count=stats.error_count, progress=progress)


@transaction.atomic
def _start(usage_import: UsageImport) -> None:
    row = lock_by_key(UsageImport, usage_import.pk)
    if not fsm.can_proceed(row.start):
        raise UsageImportStateError(status=row.status)
    row.start()
    row.save(update_fields=["status"])


@transaction.atomic
def _finish(usage_import, stats, *, failed=False):
    row = lock_by_key(UsageImport, usage_import.pk)
    if fsm.can_proceed(row.finish):   # else another run of the same file finished it first: its counts stand
        row.total_lines, row.imported, row.duplicates = stats.total_lines, stats.imported, stats.duplicates
        row.error_count, row.errors = stats.error_count, stats.errors
        (row.fail if failed else row.finish)(when=timezone.now())
        row.save(update_fields=["status", "total_lines", "imported", "duplicates", "error_count", "errors",
                                "progress", "finished_at"])
        audit_record(actor=row.uploaded_by, action="usage.import", target=row,
                     after={"lines": stats.total_lines, "imported": stats.imported, "duplicates": stats.duplicates,
                            "errors": stats.error_count})
    usage_import.refresh_from_db()
    return usage_import


def usage_import_file(*, usage_import: UsageImport) -> UsageImport:
    """Run an import from its stored file (the Celery task's body)."""
    with open(usage_import.file_path, encoding="utf-8-sig", newline="") as fh:
        total = sum(1 for _ in fh) - 1
        fh.seek(0)
        return usage_import_lines(usage_import=usage_import, lines=fh, total_hint=max(total, 1))


@transaction.atomic
def usage_import_start(*, actor: Staff, uploaded_file) -> UsageImport:
    """Store an uploaded usage file and queue its import (a Celery task with progress)."""
    import uuid

    from django.conf import settings

    folder = settings.MEDIA_ROOT / "usage"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.csv"
    with open(path, "wb") as out:
        for chunk in uploaded_file.chunks():
            out.write(chunk)
    usage_import = UsageImport.objects.create(file_name=uploaded_file.name[:200], file_path=str(path),
                                              uploaded_by=actor)
    audit_record(actor=actor, action="usage.import_start", target=usage_import,
                 after={"file": usage_import.file_name})

    def enqueue():
        from billing.tasks import usage_import_run

        usage_import_run.delay(usage_import.pk)

    transaction.on_commit(enqueue)
    return usage_import

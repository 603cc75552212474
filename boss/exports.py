"""Bulk exports of personal data (domain-rules A8, issue 12): one person asks (with a reason), a second
person with `boss.approve_export` approves (never the requester, also a database check), the requester
downloads the file once. Request, decision and download are audited (the download with its row count,
never the data). Apps register what can be exported: `register(Exporter(...))` in `AppConfig.ready()`.
"""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boss.audit import audit_record
from boss.errors import DomainError, NotPermitted
from boss.locks import lock_by_key
from boss.models import ExportRequest


@dataclass(frozen=True)
class Exporter:
    kind: str
    label: str
    perm: str                                                    # who may ask for it
    rows: Callable[..., tuple[list[str], Iterable[list]]]        # rows(actor=, params=) -> (header, rows)


_EXPORTERS: dict[str, Exporter] = {}


def register(exporter: Exporter) -> None:
    _EXPORTERS[exporter.kind] = exporter


def exporter_get(kind: str) -> Exporter:
    exporter = _EXPORTERS.get(kind)
    if exporter is None:
        raise DomainError(_("This export does not exist."), field="kind")
    return exporter


class ExportStateError(DomainError):
    code, status = "export_state", 409

    def default_message(self):
        return _("This export is not waiting for that step.")


class SecondApproverError(DomainError):
    code, status = "export_second_approver", 403

    def default_message(self):
        return _("A second person approves an export: not the one who asked for it.")


@transaction.atomic
def export_request(*, actor, kind: str, params: dict, reason: str) -> ExportRequest:
    """Ask for a bulk export. Raises NotPermitted, DomainError (no reason, unknown export)."""
    exporter = exporter_get(kind)
    if not actor.has_perm(exporter.perm):
        raise NotPermitted()
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise DomainError(_("Say why the export is needed."), field="reason")
    params = {str(k)[:40]: str(v)[:100] for k, v in (params or {}).items() if v not in (None, "")}
    req = ExportRequest.objects.create(kind=kind, params=params, reason=reason[:200], requested_by=actor,
                                       hall_id=actor.hall_id)
    audit_record(actor=actor, action="export.request", target=req, reason=reason, after={"kind": kind})
    return req


@transaction.atomic
def export_decide(*, actor, request: ExportRequest, approve: bool, note: str = "") -> ExportRequest:
    """The second person's decision. Raises NotPermitted, SecondApproverError, ExportStateError."""
    req = lock_by_key(ExportRequest, request.pk)
    if not actor.has_perm("boss.approve_export"):
        raise NotPermitted()
    if req.requested_by_id == actor.pk:
        raise SecondApproverError()
    if req.status != ExportRequest.Status.REQUESTED:
        raise ExportStateError()
    req.status = ExportRequest.Status.APPROVED if approve else ExportRequest.Status.REJECTED
    req.decided_by, req.decided_at = actor, timezone.now()
    req.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    audit_record(actor=actor, action="export.approve" if approve else "export.reject", target=req,
                 reason=note, after={"kind": req.kind, "requested_by": req.requested_by_id})
    return req


@transaction.atomic
def export_download(*, actor, request: ExportRequest) -> str:
    """The approved export as CSV (UTF-8 with BOM, for spreadsheets), once, for the requester only.
    Raises NotPermitted, ExportStateError."""
    req = lock_by_key(ExportRequest, request.pk)
    if req.requested_by_id != actor.pk:
        raise NotPermitted()
    if req.status != ExportRequest.Status.APPROVED:
        raise ExportStateError()
    header, rows = exporter_get(req.kind).rows(actor=actor, params=req.params)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    req.status, req.downloaded_at, req.rows = ExportRequest.Status.DOWNLOADED, timezone.now(), count
    req.save(update_fields=["status", "downloaded_at", "rows", "updated_at"])
    audit_record(actor=actor, action="export.download", target=req, after={"kind": req.kind, "rows": count})
    return out.getvalue()

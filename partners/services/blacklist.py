"""The joint blacklist exchange (process 13): entries a partner sends through its key or as an uploaded
file. Each row adds, corrects or removes one entry; the same rows twice change nothing (an entry is one
per partner, document type and hashed number); a bad row is refused with its reason and the rest go on.

Identity numbers are never stored in clear: the exchange's shared key (settings.BOSS_JOINT_BLACKLIST_KEY,
agreed with the other operators) turns a number into an HMAC-SHA256; an operator sends that digest, public
security may send the number, which we hash on receipt and keep masked.
"""

import csv
import io
import re
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boss.audit import audit_record
from boss.errors import DomainError
from boss.locks import lock, lock_by_key
from boss.masking import mask
from boss.models import Staff
from customers.identity import identity_validate
from customers.models import CustomerIdentity
from partners.errors import BlacklistRowError, PartnerStateError
from partners.hashing import identity_hash
from partners.models import BlacklistEntry, BlacklistImport, Partner

_HASH = re.compile(r"^[0-9a-f]{64}$")
ACTIONS = ("add", "remove")
FILE_COLUMNS = ("action", "identity_type", "number", "number_hash", "reason", "since")


def _row(raw: dict) -> tuple[str, str, str, str, str, date | None]:
    """(action, type, hash, masked, reason, since) of one row, or BlacklistRowError."""
    action = str(raw.get("action") or "add").strip().lower()
    if action not in ACTIONS:
        raise BlacklistRowError(_("Unknown action; use add or remove."), field="action")
    doc_type = str(raw.get("identity_type") or "").strip()
    if doc_type not in CustomerIdentity.DocType.values:
        raise BlacklistRowError(_("Unknown document type."), field="identity_type")
    number, digest = str(raw.get("number") or "").strip(), str(raw.get("number_hash") or "").strip().lower()
    if bool(number) == bool(digest):
        raise BlacklistRowError(_("Give either the number or its hash, not both."), field="number")
    masked = ""
    if number:
        try:
            number = identity_validate(doc_type, number, for_registration=False).number
        except DomainError as exc:
            raise BlacklistRowError(str(exc.message), field="number") from None
        digest, masked = identity_hash(doc_type, number), mask(number)
    elif not _HASH.match(digest):
        raise BlacklistRowError(_("The hash must be 64 hexadecimal characters."), field="number_hash")
    reason = str(raw.get("reason") or "").strip()
    since = None
    if action == "add":
        if not reason or len(reason) > 200:
            raise BlacklistRowError(_("Enter a reason of at most 200 characters."), field="reason")
        try:
            since = date.fromisoformat(str(raw.get("since") or "").strip())
        except ValueError:
            raise BlacklistRowError(_("Enter the date as YYYY-MM-DD."), field="since") from None
        if since > timezone.localdate():
            raise BlacklistRowError(_("The date cannot be in the future."), field="since")
    return action, doc_type, digest, masked, reason, since


@transaction.atomic
def blacklist_rows_apply(*, partner: Partner, rows: list, channel: str, actor: Staff | None = None,
                         file_name: str = "") -> BlacklistImport:
    """Apply a partner's rows; returns the import with its counts and each refused row's reason.

    Raises PartnerStateError when the partner is not an active information-exchange partner.
    """
    partner = lock_by_key(Partner, partner.pk)   # one import of a partner at a time
    if partner.status != Partner.Status.ACTIVE or partner.kind != Partner.Kind.INFO_EXCHANGE:
        raise PartnerStateError()
    batch = BlacklistImport(partner=partner, channel=channel, file_name=file_name[:200], rows=len(rows),
                            created_by=actor)
    errors = []
    now = timezone.now()
    for number, raw in enumerate(rows, start=1):
        try:
            if not isinstance(raw, dict):
                raise BlacklistRowError()
            action, doc_type, digest, masked, reason, since = _row(raw)
        except BlacklistRowError as exc:
            errors.append({"row": number, "field": exc.field or "", "error": str(exc.message)})
            continue
        entry = (lock(BlacklistEntry.objects.all())
                 .filter(partner=partner, identity_type=doc_type, number_hash=digest).first())
        if action == "remove":
            if entry is None or entry.status == BlacklistEntry.Status.REMOVED:
                batch.unchanged += 1
            else:
                entry.status, entry.removed_at = BlacklistEntry.Status.REMOVED, now
                entry.save(update_fields=["status", "removed_at", "updated_at"])
                batch.removed += 1
            continue
        assert since is not None   # an added row always has its date (checked by _row)
        if entry is None:
            BlacklistEntry.objects.create(partner=partner, identity_type=doc_type, number_hash=digest,
                                          number_masked=masked, reason=reason, since=since)
            batch.created += 1
        elif (entry.status, entry.reason, entry.since) == (BlacklistEntry.Status.ACTIVE, reason, since):
            batch.unchanged += 1
        else:
            entry.status, entry.reason, entry.since, entry.removed_at = (
                BlacklistEntry.Status.ACTIVE, reason, since, None)
            entry.number_masked = masked or entry.number_masked
            entry.save(update_fields=["status", "reason", "since", "removed_at", "number_masked", "updated_at"])
            batch.updated += 1
    batch.errors = errors[:1000]
    batch.save()
    audit_record(actor=actor, action="partner.blacklist_import", target=partner, hall=None,
                 after={"interface_number": partner.interface_number, "channel": channel, "rows": batch.rows,
                        "created": batch.created, "updated": batch.updated, "removed": batch.removed,
                        "unchanged": batch.unchanged, "refused": len(errors)})
    return batch


def blacklist_file_parse(content: bytes) -> list[dict]:
    """A CSV file (UTF-8, header row with FILE_COLUMNS; extra columns ignored) as rows.

    Raises BlacklistRowError when the file cannot be read at all."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BlacklistRowError(_("The file is not UTF-8 text."), field="file") from None
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "identity_type" not in reader.fieldnames:
        raise BlacklistRowError(_("The first line must name the columns: %(columns)s.")
                                % {"columns": ", ".join(FILE_COLUMNS)}, field="file")
    return [dict(row) for row in reader]


def blacklist_file_import(*, actor: Staff | None, partner: Partner, content: bytes,
                          file_name: str) -> BlacklistImport:
    """Raises BlacklistRowError (unreadable file), PartnerStateError."""
    return blacklist_rows_apply(partner=partner, rows=blacklist_file_parse(content), channel="file",
                                actor=actor, file_name=file_name)

"""Reading a member list typed at the counter or uploaded as CSV or XLSX: one number per row, with an
optional second column saying the number's owner consented ("1", "是", "yes", "y", "true")."""

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from boss.errors import InvalidInputError

_YES = {"1", "是", "yes", "y", "true", "同意"}
MAX_ROWS = 500


@dataclass(frozen=True)
class MemberRow:
    row: int
    msisdn: str
    owner_consent: bool


def _rows(cells: list[list[str]]) -> list[MemberRow]:
    out = []
    for i, row in enumerate(cells, start=1):
        values = [str(c).strip() for c in row if c is not None]
        if not values or not values[0]:
            continue
        if i == 1 and not any(ch.isdigit() for ch in values[0]):
            continue   # a heading row
        consent = len(values) > 1 and values[1].lower() in _YES
        out.append(MemberRow(row=i, msisdn=values[0], owner_consent=consent))
    if not out:
        raise InvalidInputError(_("The member list is empty."), field="members")
    if len(out) > MAX_ROWS:
        raise InvalidInputError(_("A member list has at most %(n)s numbers.") % {"n": MAX_ROWS}, field="members")
    return out


def member_rows_from_text(text: str) -> list[MemberRow]:
    """Typed by hand: one number per line, optionally followed by a comma and the consent."""
    return _rows([line.replace("，", ",").split(",") for line in (text or "").splitlines()])


def member_rows_from_file(*, name: str, content: bytes) -> list[MemberRow]:
    """An uploaded CSV (UTF-8 or GB18030) or XLSX. Raises InvalidInputError for anything else."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
            cells = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        except Exception:   # openpyxl raises many kinds for a damaged file
            raise InvalidInputError(_("The file is not a readable XLSX workbook."), field="member_file") from None
        return _rows(cells)
    if name.lower().endswith((".csv", ".txt")):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise InvalidInputError(_("The CSV file is neither UTF-8 nor GB18030 text."), field="member_file")
        return _rows(list(csv.reader(io.StringIO(text))))
    raise InvalidInputError(_("Upload the member list as a CSV or XLSX file."), field="member_file")


def rows_check(rows: Sequence[MemberRow], reason_for: Callable) -> tuple[list, list[dict]]:
    """Each row's number checked (a mobile number, listed once, a line of ours), then `reason_for(row, line)`
    gives the process's own reason to refuse it (or None). Returns the accepted (row, line) pairs and the
    refused rows with their reasons; writes nothing."""
    from customers.errors import BadMobileNumberError
    from customers.identity import msisdn_normalize
    from customers.models import Line

    good: list = []
    bad: list[dict] = []
    seen: set[str] = set()
    for row in rows:
        try:
            msisdn = msisdn_normalize(row.msisdn)
        except BadMobileNumberError:
            bad.append({"row": row.row, "msisdn": row.msisdn[:20], "reason": str(_("not a mobile number"))})
            continue
        if msisdn in seen:
            bad.append({"row": row.row, "msisdn": msisdn, "reason": str(_("listed twice"))})
            continue
        seen.add(msisdn)
        line = Line.objects.filter(msisdn=msisdn).exclude(status=Line.Status.CANCELLED).first()
        reason = _("not a line of ours") if line is None else reason_for(row, line)
        if reason is None:
            good.append((row, line))
        else:
            bad.append({"row": row.row, "msisdn": msisdn, "reason": str(reason)})
    return good, bad

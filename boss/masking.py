"""Server-side masking of personal data (domain-rules A8, GB/T 35273 display limits).

The default keeps the first 3 and the last 4 characters (bank accounts, other documents). A resident ID
keeps no digit that carries the birth date, the sequence or the gender (the 17th): only the first 3 and,
on the 18-character ID, the check character (`440**************X`). Masked values are what screens, PDFs,
API responses and logs carry.
"""

import re

from django.conf import settings

_RESIDENT_ID = re.compile(r"^\d{17}[0-9Xx]$|^\d{15}$")


def mask(value: str | None, *, keep_start: int | None = None, keep_end: int | None = None, char: str = "*") -> str:
    """`11010519491231002X` -> `110**************X`; `6222020200112345` -> `622*********2345`. Short values
    are masked whole but the last char."""
    if not value:
        return ""
    value = str(value)
    start = settings.BOSS_MASK_KEEP_START if keep_start is None else keep_start
    end = settings.BOSS_MASK_KEEP_END if keep_end is None else keep_end
    if _RESIDENT_ID.match(value):
        # Digits 7-14 are the birth date, 15-17 the sequence (the 17th the gender): never shown.
        start, end = min(start, 3), min(end, 1 if len(value) == 18 else 0)
    if len(value) <= start + end:
        # Too short to keep both ends without showing nearly all of it.
        return char * (len(value) - 1) + value[-1:] if len(value) > 1 else char
    return value[:start] + char * (len(value) - start - end) + value[len(value) - end:]


def mask_msisdn(value: str | None) -> str:
    """`13800138000` -> `138****8000` (the way operators print numbers on public documents)."""
    return mask(value, keep_start=3, keep_end=4)


def mask_address(value: str | None) -> str:
    """Keep the first 6 characters (province and city), hide the street and the door."""
    if not value:
        return ""
    value = str(value)
    keep = min(6, max(len(value) // 2, 1))
    return value[:keep] + "*" * max(len(value) - keep, 3)


def name_for(actor, value: str | None) -> str:
    """The one rule for a customer's name, used by every serializer and screen: in full for the roles
    that serve or handle the customer (`boss.view_full_name`: the counter, the account room, the
    big-customer room, complaint handlers), masked for everyone else (managers, the data-business room,
    administrators, partner roles). Personal data in documents the customer signs follow their own rule."""
    if not value:
        return ""
    if actor is not None and getattr(actor, "is_authenticated", False) and actor.has_perm("boss.view_full_name"):
        return str(value)
    return mask_name(value)


def mask_name(value: str | None) -> str:
    """`张三丰` -> `张**`: the family name is enough to greet the customer."""
    if not value:
        return ""
    value = str(value)
    return value[0] + "*" * max(len(value) - 1, 1)


# Patterns for the log filter: resident IDs (18 chars, last may be X) and mainland mobiles. A number right
# after a percent-escape (`q=%2013800138000`, `%2B86…` in a logged URL) counts as standing alone.
_AFTER_ESCAPE = r"(?<=%[0-9A-Fa-f]{2})"
_ID_RE = re.compile(rf"(?:(?<![0-9A-Za-z])|{_AFTER_ESCAPE})(\d{{6}})(\d{{8}})(\d{{3}}[0-9Xx])(?![0-9A-Za-z])")
_ID15_RE = re.compile(rf"(?:(?<![0-9A-Za-z])|{_AFTER_ESCAPE})\d{{15}}(?![0-9A-Za-z])")
_MOBILE_RE = re.compile(rf"(?:(?<!\d)|{_AFTER_ESCAPE})(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{{4}})[- ]?(\d{{4}})(?!\d)")
_USCC_RE = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{9}[0-9A-HJ-NPQRTUWXY](?![0-9A-Z])")


def mask_text(text: str) -> str:
    """Mask every ID number and mobile number found in free text (for log lines)."""
    if not text:
        return text
    text = _ID_RE.sub(lambda m: mask(m.group(0)), text)
    text = _ID15_RE.sub(lambda m: mask(m.group(0)), text)
    text = _MOBILE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return text

"""Server-side masking of personal data (domain-rules A8, GB/T 35273 display limits).

The default keeps the first 3 and the last 4 characters: it shows neither the region code nor the
gender digit of a resident ID. Masked values are what screens, PDFs, API responses and logs carry.
"""

import re

from django.conf import settings


def mask(value: str | None, *, keep_start: int | None = None, keep_end: int | None = None, char: str = "*") -> str:
    """`11010519491231002X` -> `110***********002X`. Short values are masked whole but the last char."""
    if not value:
        return ""
    value = str(value)
    start = settings.BOSS_MASK_KEEP_START if keep_start is None else keep_start
    end = settings.BOSS_MASK_KEEP_END if keep_end is None else keep_end
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


def mask_name(value: str | None) -> str:
    """`张三丰` -> `张**`: the family name is enough to greet the customer."""
    if not value:
        return ""
    value = str(value)
    return value[0] + "*" * max(len(value) - 1, 1)


# Patterns for the log filter: resident IDs (18 chars, last may be X) and mainland mobiles.
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_ID15_RE = re.compile(r"(?<![0-9A-Za-z])\d{15}(?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_USCC_RE = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{9}[0-9A-HJ-NPQRTUWXY](?![0-9A-Z])")


def mask_text(text: str) -> str:
    """Mask every ID number and mobile number found in free text (for log lines)."""
    if not text:
        return text
    text = _ID_RE.sub(lambda m: mask(m.group(0)), text)
    text = _ID15_RE.sub(lambda m: mask(m.group(0)), text)
    text = _MOBILE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return text

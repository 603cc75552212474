"""Identity documents and numbers: normalisation and validation (C1-F3, domain-rules A3-A5).

Pure functions, no database. Every refusal is a domain error with a stable code (customers/errors.py):
`bad_format`, `bad_check_digit`, `bad_birth_date`, `unknown_region`, `legacy_number`,
`bad_document_type`, `bad_mobile_number`, `bad_contact_number`.

- Resident ID (GB 11643): the check digit with python-stdnum's `cn.ric`; a real birth date not in the
  future; a region code known to GB/T 2260 at any time (python-stdnum's table keeps the historical
  codes: people keep the number of a county that was renamed, and people who moved got the new
  county's code with their old birth date, so the code's validity period is not held against the birth
  year). Lowercase x and full-width digits are normalised. A 15-digit first-generation number is
  converted for look-up only and never accepted for a registration.
- Unified social credit code (GB 32100): python-stdnum's `cn.uscc`, with a clear message for the letters
  the standard leaves out (I, O, S, V, Z). The GB 11714 organization code inside it is checked too, but
  only as a warning (domain-rules A4: not every issued code is known to satisfy it).
- Passports and Hong Kong/Macau/Taiwan permits: format checks only. The HMT residence permit is an
  18-digit number on 810000/820000/830000 with the resident ID's check digit and birth date.
- Mobile numbers: +86, 0086 or 86, spaces and dashes removed; 11 digits starting 1[3-9] (A5; which
  segments belong to this operator is the numbers inventory's table, not a pattern here).
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric, uscc

from customers.errors import (
    BadBirthDateError,
    BadCheckDigitError,
    BadContactNumberError,
    BadFormatError,
    BadIccidError,
    BadMobileNumberError,
    LegacyNumberError,
    UnknownDocumentTypeError,
    UnknownRegionError,
)
from customers.models import Customer, CustomerIdentity

DocType = CustomerIdentity.DocType

# Separators a rep or a partner system may type inside a number.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―_.·()（）]")
# Address codes of HMT residence permits, with the place names the region display uses (data, like
# python-stdnum's table of GB/T 2260 names).
HMT_REGIONS = {"810000": "香港", "820000": "澳门", "830000": "台湾"}
_HOME_RETURN_PERMIT = re.compile(r"^[HM]\d{8}(\d{2})?$")  # 港澳居民来往内地通行证: H/M + 8 (old: 10) digits
_TAIWAN_PERMIT = re.compile(r"^\d{8}(\d{2})?$")            # 台湾居民来往大陆通行证: 8 (old: 10) digits
_PASSPORT = re.compile(r"^(?=.*\d)[A-Z0-9]{5,17}$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0[1-9]\d{8,10}$")                # area code (3-4 digits with the 0) + 7-8 digits
_ICCID = re.compile(r"^89\d{17,18}$")
_ORG_CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True)
class IdentityInfo:
    """A validated, normalised identity number and what it tells."""

    doc_type: str
    number: str                     # normalised: ASCII, uppercase, no separators
    customer_kind: str              # Customer.Kind: derived from the document (C1-F3)
    birth_date: date | None = None
    sex: str | None = None          # "male" | "female" (resident ID and HMT residence permit)
    region: str = ""                # province and county of the address code
    legacy_converted: bool = False  # a 15-digit number converted to 18 for a look-up
    warnings: tuple[str, ...] = field(default=())

    def age(self, on: date | None = None) -> int | None:
        if self.birth_date is None:
            return None
        on = on or timezone.localdate()
        return on.year - self.birth_date.year - ((on.month, on.day) < (self.birth_date.month, self.birth_date.day))


def normalize(value: str | None) -> str:
    """Full-width to ASCII (NFKC), separators out, uppercase: `１１０１０５…ｘ` → `110105…X`."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return _SEPARATORS.sub("", text).upper()


def customer_kind_for(doc_type: str) -> str:
    """The customer type follows from the document (C1-F3)."""
    if doc_type in CustomerIdentity.ORGANIZATION_TYPES:
        return Customer.Kind.ORGANIZATION
    return Customer.Kind.INDIVIDUAL


def identity_validate(doc_type: str, number: str, *, for_registration: bool = True) -> IdentityInfo:
    """Validate and normalise an identity number of a document type.

    `for_registration=False` is for look-ups: a 15-digit legacy resident ID is then converted to its
    18-digit form instead of refused.

    Raises UnknownDocumentTypeError, BadFormatError, BadCheckDigitError, BadBirthDateError,
    UnknownRegionError, LegacyNumberError.
    """
    validators = {
        DocType.RESIDENT_ID: _resident_id,
        DocType.USCC: _uscc,
        DocType.PASSPORT: _passport,
        DocType.HMT_PERMIT: _hmt_permit,
    }
    if doc_type not in validators:
        raise UnknownDocumentTypeError()
    compact = normalize(number)
    if not compact:
        raise BadFormatError(_("Enter the document number."))
    return validators[doc_type](compact, for_registration=for_registration)


def identity_lookup_numbers(query: str) -> list[str]:
    """The stored forms an identity number typed in a search box may have (any document type).

    A 15-digit legacy resident ID is converted to 18 digits; other text is normalised. Empty when the
    text cannot be an identity number.
    """
    compact = normalize(query)
    if not 5 <= len(compact) <= 18 or not any(c.isdigit() for c in compact):
        return []
    if len(compact) == 15 and compact.isdigit():
        try:
            return [legacy_to_18(compact)]
        except (BadBirthDateError, BadFormatError):
            return []
    return [compact]


# --------------------------------------------------------------------------------------------------
# Resident ID (GB 11643)
# --------------------------------------------------------------------------------------------------


def legacy_to_18(number: str) -> str:
    """`110105491231002` → `11010519491231002X`: insert the century 19 and append the check digit."""
    number = normalize(number)
    if len(number) != 15 or not number.isdigit():
        raise BadFormatError()
    body = number[:6] + "19" + number[6:]
    _birth_date(body + "0")
    return body + ric.calc_check_digit(body + "0")


def _birth_date(number: str) -> date:
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise BadBirthDateError() from None
    if born > timezone.localdate():
        raise BadBirthDateError(_("The birth date in the number is in the future."))
    return born


def _place(code: str) -> tuple[str, str]:
    """(province, latest county-level name) of a 6-digit code; the name is empty when unknown."""
    info: dict[str, str] = {}
    for _part, props in numdb.get("cn/loc").info(code):
        info.update(props)
    # "[-2010]崇文区,[2010-]东城区": the names the code had over time; keep the latest.
    latest = info.get("county", "").split(",")[-1]
    latest = latest.split("]", 1)[1] if latest.startswith("[") else latest
    return info.get("province", ""), latest


def _region(number: str) -> str:
    """`Province City County` of a GB/T 2260 address code, current or historical; raises UnknownRegionError."""
    province, county = _place(number[:6])
    if not county or not province:
        raise UnknownRegionError()
    parts = [province]
    if number[4:6] != "00":
        _province, city = _place(number[:4] + "00")
        if city and city not in ("市辖区", "县", province):
            parts.append(city)
    if county != province and county not in parts:
        parts.append(county)
    return "".join(parts)


def _check_18(number: str) -> tuple[date, str]:
    """Shape, check digit and birth date shared by the resident ID and the HMT residence permit."""
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise BadFormatError(_("A resident ID number has 18 characters: 17 digits and a digit or X."))
    if number[17] != ric.calc_check_digit(number):
        raise BadCheckDigitError()
    born = _birth_date(number)
    sex = "male" if int(number[16]) % 2 else "female"
    return born, sex


def _resident_id(number: str, *, for_registration: bool) -> IdentityInfo:
    converted = False
    if len(number) == 15 and number.isdigit():
        if for_registration:
            raise LegacyNumberError()
        number, converted = legacy_to_18(number), True
    born, sex = _check_18(number)
    if number[:6] in HMT_REGIONS:
        raise BadFormatError(_("This is the number of a Hong Kong, Macau or Taiwan residence permit: "
                               "choose that document type."))
    region = _region(number)
    return IdentityInfo(DocType.RESIDENT_ID, number, customer_kind_for(DocType.RESIDENT_ID), birth_date=born,
                        sex=sex, region=region, legacy_converted=converted)


# --------------------------------------------------------------------------------------------------
# Unified social credit code (GB 32100)
# --------------------------------------------------------------------------------------------------


def _uscc(number: str, *, for_registration: bool) -> IdentityInfo:
    if len(number) != 18:
        raise BadFormatError(_("A unified social credit code has 18 characters."))
    excluded = sorted({c for c in number if c in "IOSVZ"})
    if excluded:
        raise BadFormatError(_("A unified social credit code never contains the letters I, O, S, V or Z "
                               "(found: %(letters)s). Check for 1, 0, 5, U or 2.") % {"letters": ", ".join(excluded)})
    if not number[2:8].isdigit() or any(c not in uscc._alphabet for c in number):  # noqa: SLF001
        raise BadFormatError(_("A unified social credit code has digits in places 3 to 8 and only digits "
                               "and capital letters elsewhere."))
    if number[-1] != uscc.calc_check_digit(number):
        raise BadCheckDigitError(_("The check character does not match: re-type the code from the licence."))
    warnings = () if _org_code_ok(number[8:17]) else (
        _("The organization code inside the credit code has an unusual check digit; compare it with the licence."),
    )
    return IdentityInfo(DocType.USCC, number, customer_kind_for(DocType.USCC), warnings=tuple(str(w) for w in warnings))


def _org_code_ok(code: str) -> bool:
    """GB 11714 check digit of the 9-character organization code (positions 9-17 of a USCC)."""
    try:
        total = sum(_ORG_CODE_ALPHABET.index(c) * w for c, w in zip(code[:8], _ORG_CODE_WEIGHTS, strict=True))
    except ValueError:
        return False
    check = 11 - total % 11
    expected = {10: "X", 11: "0"}.get(check, str(check))
    return code[8] == expected


def org_code_check_digit(body: str) -> str:
    """The GB 11714 check character for an 8-character organization code body (used by the demo data)."""
    total = sum(_ORG_CODE_ALPHABET.index(c) * w for c, w in zip(body, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


# --------------------------------------------------------------------------------------------------
# Passports and Hong Kong/Macau/Taiwan permits (format only)
# --------------------------------------------------------------------------------------------------


def _passport(number: str, *, for_registration: bool) -> IdentityInfo:
    if not _PASSPORT.match(number):
        raise BadFormatError(_("A passport number has 5 to 17 letters and digits."))
    return IdentityInfo(DocType.PASSPORT, number, customer_kind_for(DocType.PASSPORT))


def _hmt_permit(number: str, *, for_registration: bool) -> IdentityInfo:
    if len(number) == 18:
        born, sex = _check_18(number)
        if number[:6] not in HMT_REGIONS:
            raise UnknownRegionError(_("An 18-digit Hong Kong, Macau or Taiwan residence permit starts with "
                                       "810000, 820000 or 830000."))
        return IdentityInfo(DocType.HMT_PERMIT, number, customer_kind_for(DocType.HMT_PERMIT), birth_date=born,
                            sex=sex, region=HMT_REGIONS[number[:6]])
    if _HOME_RETURN_PERMIT.match(number) or _TAIWAN_PERMIT.match(number):
        return IdentityInfo(DocType.HMT_PERMIT, number, customer_kind_for(DocType.HMT_PERMIT))
    raise BadFormatError(_("A Hong Kong or Macau permit is H or M and 8 digits, a Taiwan permit 8 digits, "
                           "a residence permit 18 characters."))


# --------------------------------------------------------------------------------------------------
# Phone numbers and SIM cards
# --------------------------------------------------------------------------------------------------


def _strip_country_code(digits: str) -> str:
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            return digits[len(prefix):]
    if digits.startswith("86") and len(digits) == 13:
        return digits[2:]
    return digits


def msisdn_normalize(value: str | None, *, field: str = "msisdn") -> str:
    """`+86 138-0013-8000` → `13800138000`. Raises BadMobileNumberError."""
    digits = _strip_country_code(normalize(value))
    if not _MOBILE.match(digits):
        raise BadMobileNumberError(field=field)
    return digits


def contact_phone_normalize(value: str | None) -> str:
    """A contact number: a mobile (normalised as above) or a landline with its area code (digits only).

    Raises BadContactNumberError.
    """
    compact = normalize(value)
    digits = _strip_country_code(compact)
    if _MOBILE.match(digits):
        return digits
    if compact.startswith(("+86", "0086")) and not digits.startswith("0"):
        digits = "0" + digits  # +86 20 1234 5678: the area code loses its 0 after the country code
    if _LANDLINE.match(digits):
        return digits
    raise BadContactNumberError()


def iccid_normalize(value: str | None) -> str:
    """A SIM card number: 19 or 20 digits starting 89 (ITU-T E.118). Raises BadIccidError."""
    compact = normalize(value)
    if not _ICCID.match(compact):
        raise BadIccidError()
    return compact


# --------------------------------------------------------------------------------------------------
# Composing valid numbers (demo data and tests)
# --------------------------------------------------------------------------------------------------


def resident_id_compose(region: str, born: date, sequence: int) -> str:
    """An 18-digit resident ID with its check digit: `resident_id_compose("110105", date(1949, 12, 31), 2)`
    → `11010519491231002X`. An odd sequence is a man, an even one a woman."""
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def uscc_compose(prefix: str, region: str, org_body: str) -> str:
    """A unified social credit code: 2-character prefix (authority and entity type, e.g. "91"), 6-digit
    region, 8-character organization code body; both check characters are computed."""
    org = org_body + org_code_check_digit(org_body)
    body = f"{prefix}{region}{org}"
    return body + uscc.calc_check_digit(body + "0")

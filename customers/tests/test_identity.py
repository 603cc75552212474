"""Identity numbers: normalisation, every refusal with its code, and properties over generated numbers."""

from datetime import date

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

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
from customers.identity import (
    contact_phone_normalize,
    customer_kind_for,
    iccid_normalize,
    identity_lookup_numbers,
    identity_validate,
    legacy_to_18,
    msisdn_normalize,
    normalize,
    resident_id_compose,
    uscc_compose,
)

RID = "resident_id"


# --- resident ID (GB 11643) --------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_the_standards_examples_are_valid(number):
    info = identity_validate(RID, number)
    assert info.number == number and info.customer_kind == "individual"


def test_lowercase_x_full_width_digits_and_separators_are_normalised():
    assert identity_validate(RID, "11010519491231002x").number == "11010519491231002X"
    assert identity_validate(RID, "１１０１０５１９４９１２３１００２ｘ").number == "11010519491231002X"
    assert identity_validate(RID, " 110105 19491231 002X ").number == "11010519491231002X"


def test_birth_date_sex_and_region_are_read_from_the_number():
    info = identity_validate(RID, "11010519491231002X")
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex == "female"  # the 17th digit (2) is even
    assert info.region.startswith("北京市")
    assert identity_validate(RID, resident_id_compose("440106", date(1990, 5, 6), 1)).sex == "male"


def test_wrong_check_digit_is_bad_check_digit():
    with pytest.raises(BadCheckDigitError) as exc:
        identity_validate(RID, "110105194912310021")
    assert exc.value.code == "bad_check_digit" and exc.value.field == "number"


def test_february_30_passes_the_checksum_but_is_bad_birth_date():
    with pytest.raises(BadBirthDateError) as exc:
        identity_validate(RID, "110105194902300020")
    assert exc.value.code == "bad_birth_date"


@time_machine.travel(date(2026, 3, 1))
def test_a_birth_date_in_the_future_is_bad_birth_date():
    tomorrow = date(2026, 3, 2)
    with pytest.raises(BadBirthDateError):
        identity_validate(RID, resident_id_compose("440106", tomorrow, 1))
    assert identity_validate(RID, resident_id_compose("440106", date(2026, 3, 1), 1)).birth_date == date(2026, 3, 1)


def test_unknown_region_code_is_refused():
    with pytest.raises(UnknownRegionError) as exc:
        identity_validate(RID, "999999199001010016")
    assert exc.value.code == "unknown_region"


def test_a_code_under_a_known_prefix_but_not_a_county_is_unknown():
    with pytest.raises(UnknownRegionError):
        identity_validate(RID, resident_id_compose("110199", date(1990, 1, 1), 1))


def test_historical_region_codes_are_known_whatever_the_birth_year():
    # 110103 崇文区 was merged into 东城区 in 2010; people keep their numbers, and one who moved there
    # before 2010 got the code with a birth date from long before it existed.
    assert identity_validate(RID, resident_id_compose("110103", date(1975, 6, 1), 11)).region == "北京市崇文区"
    assert identity_validate(RID, resident_id_compose("440106", date(1960, 1, 1), 11))  # 天河区 since 1985


def test_fifteen_digit_numbers_are_refused_for_registration_with_legacy_number():
    with pytest.raises(LegacyNumberError) as exc:
        identity_validate(RID, "110105491231002")
    assert exc.value.code == "legacy_number"


def test_fifteen_digit_numbers_are_converted_for_look_up():
    info = identity_validate(RID, "110105491231002", for_registration=False)
    assert info.number == "11010519491231002X" and info.legacy_converted
    assert legacy_to_18("110105491231002") == "11010519491231002X"
    assert identity_lookup_numbers("110105491231002") == ["11010519491231002X"]


def test_a_legacy_number_with_an_impossible_date_cannot_be_converted():
    with pytest.raises(BadBirthDateError):
        legacy_to_18("110105490230002")
    assert identity_lookup_numbers("110105490230002") == []


@pytest.mark.parametrize("number", ["", "12345", "11010519491231002", "1101051949123100XX", "A1010519491231002X"])
def test_wrong_shapes_are_bad_format(number):
    with pytest.raises(BadFormatError) as exc:
        identity_validate(RID, number)
    assert exc.value.code == "bad_format"


def test_a_residence_permit_number_typed_as_resident_id_points_to_the_right_type():
    with pytest.raises(BadFormatError) as exc:
        identity_validate(RID, "810000199001010019")
    assert "居住证" in str(exc.value.message)  # points to the HMT residence permit type


def test_unknown_document_type():
    with pytest.raises(UnknownDocumentTypeError) as exc:
        identity_validate("driving_licence", "123456")
    assert exc.value.code == "bad_document_type" and exc.value.field == "doc_type"


@given(region=st.sampled_from(["110105", "440106", "440305", "310104", "510107", "650102"]),
       born=st.dates(min_value=date(1920, 1, 1), max_value=date(2020, 12, 31)),
       seq=st.integers(min_value=0, max_value=999))
def test_every_composed_number_is_valid_and_any_single_digit_change_is_caught(region, born, seq):
    number = resident_id_compose(region, born, seq)
    assert identity_validate(RID, number).number == number
    assert identity_validate(RID, number.lower()).number == number
    # ISO 7064 MOD 11-2 detects every single-digit substitution, and the check digit is tested first.
    for pos in range(17):
        changed = number[:pos] + str((int(number[pos]) + 1 + seq % 9) % 10) + number[pos + 1:]
        with pytest.raises(BadCheckDigitError):
            identity_validate(RID, changed)


# --- unified social credit code (GB 32100) ----------------------------------------------------------


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L", "913501000000000240"])
def test_the_standards_credit_codes_are_valid_and_derive_an_organization(code):
    info = identity_validate("uscc", code)
    assert info.number == code and info.customer_kind == "organization"


def test_credit_code_is_normalised_to_uppercase():
    assert identity_validate("uscc", "91110000600037341l").number == "91110000600037341L"


def test_wrong_check_character_is_bad_check_digit():
    with pytest.raises(BadCheckDigitError):
        identity_validate("uscc", "91350100M000100Y44")


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_the_excluded_letters_are_bad_format_and_named(letter):
    with pytest.raises(BadFormatError) as exc:
        identity_validate("uscc", f"91350100M000100Y4{letter}")
    assert letter in str(exc.value.message)


@pytest.mark.parametrize("code", ["9135010", "91AB0100M000100Y43", "91350100M000100Y4#"])
def test_credit_code_shape_is_bad_format(code):
    with pytest.raises(BadFormatError):
        identity_validate("uscc", code)


def test_an_organization_code_with_an_odd_check_digit_only_warns():
    assert identity_validate("uscc", "913501000000000240").warnings
    assert not identity_validate("uscc", uscc_compose("91", "440101", "12345678")).warnings


# --- passports and Hong Kong, Macau, Taiwan permits ------------------------------------------------


@pytest.mark.parametrize("number", ["E12345678", "EA1234567", "g 1234 5678", "123456789"])
def test_passports_are_checked_for_format_only(number):
    assert identity_validate("passport", number).customer_kind == "individual"


@pytest.mark.parametrize("number", ["", "ABCDEFG", "E1", "E123456789012345678"])
def test_bad_passport_numbers(number):
    with pytest.raises(BadFormatError):
        identity_validate("passport", number)


@pytest.mark.parametrize("number", ["H12345678", "M1234567801", "12345678", "810000199001010019",
                                    resident_id_compose("820000", date(1985, 2, 3), 4),
                                    resident_id_compose("830000", date(1985, 2, 3), 5)])
def test_hmt_permits_and_residence_permits(number):
    assert identity_validate("hmt_permit", number).doc_type == "hmt_permit"


def test_an_hmt_residence_permit_needs_its_check_digit_and_region():
    with pytest.raises(BadCheckDigitError):
        identity_validate("hmt_permit", "810000199001010010")
    with pytest.raises(UnknownRegionError):
        identity_validate("hmt_permit", "11010519491231002X")
    with pytest.raises(BadFormatError):
        identity_validate("hmt_permit", "X1234567")


def test_customer_kind_derives_from_the_document_type():
    assert customer_kind_for("uscc") == "organization"
    assert {customer_kind_for(t) for t in ("resident_id", "passport", "hmt_permit")} == {"individual"}


# --- phone numbers and SIM cards ---------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["13800138000", "+86 138 0013 8000", "0086-138-0013-8000", "8613800138000",
                                 "138-0013-8000", "１３８００１３８０００"])
def test_mobile_numbers_are_normalised(raw):
    assert msisdn_normalize(raw) == "13800138000"


@pytest.mark.parametrize("raw", ["", "1380013800", "12800138000", "23800138000", "138001380001", "+1 13800138000"])
def test_bad_mobile_numbers(raw):
    with pytest.raises(BadMobileNumberError) as exc:
        msisdn_normalize(raw)
    assert exc.value.code == "bad_mobile_number"


@pytest.mark.parametrize(("raw", "expected"), [("020-12345678", "02012345678"), ("0755 8765 4321", "075587654321"),
                                               ("+86 20 1234 5678", "02012345678"), ("13900001111", "13900001111")])
def test_contact_numbers_accept_landlines_with_area_code(raw, expected):
    assert contact_phone_normalize(raw) == expected


@pytest.mark.parametrize("raw", ["12345678", "abc", "020-123"])
def test_bad_contact_numbers(raw):
    with pytest.raises(BadContactNumberError):
        contact_phone_normalize(raw)


def test_iccid_shape():
    assert iccid_normalize("8986 0012 3456 7890 1234") == "89860012345678901234"
    with pytest.raises(BadIccidError):
        iccid_normalize("1234")


def test_normalize_handles_none_and_full_width():
    assert normalize(None) == ""
    assert normalize("ａｂｃ－１２３") == "ABC123"


def test_identity_lookup_numbers_ignores_text_that_cannot_be_a_number():
    assert identity_lookup_numbers("张三") == []
    assert identity_lookup_numbers("e1234 5678") == ["E12345678"]


def test_age_is_counted_to_the_birthday():
    info = identity_validate(RID, resident_id_compose("440106", date(2000, 6, 15), 1))
    assert info.age(date(2016, 6, 14)) == 15 and info.age(date(2016, 6, 15)) == 16
    assert identity_validate("passport", "E12345678").age() is None

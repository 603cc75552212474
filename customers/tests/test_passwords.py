"""The service password: 6 digits, never trivial, never from the ID number, stored hashed."""

import time

import pytest
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from customers.errors import (
    ServicePasswordFormatError,
    ServicePasswordFromIdentityError,
    TrivialServicePasswordError,
)
from customers.models import Line
from customers.passwords import (
    service_password_check,
    service_password_hash,
    service_password_stale,
    service_password_suggest,
    service_password_validate,
    validate_service_password_field,
)
from customers.services import line_service_password_check
from customers.tests.factories import LineFactory

ID = "11010519491231002X"  # born 1949-12-31, last six 31002X


@pytest.mark.parametrize("password", ["", "12345", "1234567", "12a456", "１２３４５６", "12 456"])
def test_only_six_ascii_digits(password):
    with pytest.raises(ServicePasswordFormatError) as exc:
        service_password_validate(password)
    assert exc.value.code == "bad_service_password" and exc.value.field == "service_password"


@pytest.mark.parametrize("password", ["000000", "888888", "123456", "654321", "234567", "890123", "210987",
                                      "121212", "123123", "112233", "998877"])
def test_trivial_passwords_are_refused(password):
    with pytest.raises(TrivialServicePasswordError) as exc:
        service_password_validate(password)
    assert exc.value.code == "trivial_service_password"


@pytest.mark.parametrize("password", ["491231", "123149", "311249"])
def test_the_birth_date_in_the_id_is_refused(password):
    with pytest.raises(ServicePasswordFromIdentityError):
        service_password_validate(password, identity_number=ID)
    assert service_password_validate(password) == password  # fine for someone else


def test_the_ids_last_six_digits_are_refused():
    number = "440524188001010014"
    with pytest.raises(ServicePasswordFromIdentityError) as exc:
        service_password_validate("010014", identity_number=number)
    assert exc.value.code == "service_password_from_identity"


@pytest.mark.parametrize("password", ["135790", "204816", "739201"])
def test_ordinary_passwords_pass(password):
    assert service_password_validate(password, identity_number=ID) == password


@settings(max_examples=50)
@given(st.sampled_from([ID, "440524188001010014", "", "E12345678"]))
def test_suggestions_always_pass_the_rules(identity_number):
    suggestion = service_password_suggest(identity_number=identity_number)
    assert service_password_validate(suggestion, identity_number=identity_number) == suggestion


def test_suggestions_vary():
    assert len({service_password_suggest() for _ in range(20)}) > 10


def test_hash_is_not_the_password_and_checks():
    encoded = service_password_hash("135790", identity_number=ID)
    assert "135790" not in encoded
    assert service_password_check("135790", encoded)
    assert not service_password_check("135791", encoded)
    assert not service_password_check("135790", "")
    assert not service_password_check("", encoded)


def test_hashing_a_trivial_password_is_refused():
    with pytest.raises(TrivialServicePasswordError):
        service_password_hash("111111")


def test_form_validator_raises_validation_error_with_the_code():
    with pytest.raises(ValidationError) as exc:
        validate_service_password_field("123456")
    assert exc.value.code == "trivial_service_password"
    validate_service_password_field("135790")


# --- the keyed hash (issue 20): HMAC-SHA256 under a server key with a key id ---------------------------------

KEYS = {"s0": "old-secret-0123456789", "k2": "new-secret-0123456789"}


@override_settings(BOSS_HASH_KEYS=KEYS, BOSS_HASH_KEY_ID="s0")
def test_new_hashes_are_keyed_and_fast():
    encoded = service_password_hash("135790", identity_number=ID)
    assert encoded.startswith("hmac_sha256$s0$") and not service_password_stale(encoded)
    assert not encoded.startswith("pbkdf2")
    started = time.perf_counter()
    for _ in range(100):
        service_password_check("135790", encoded)
    assert time.perf_counter() - started < 0.1  # PBKDF2 took ~0.2 s for ONE check


@pytest.fixture
def old_line(db, settings):
    """A line whose password was stored with Django's PBKDF2 hasher, before the keyed hash (the test
    settings list only MD5, for speed; production has Django's default list, PBKDF2 first)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    return LineFactory(service_password=make_password("135790", hasher="pbkdf2_sha256"))


@override_settings(BOSS_HASH_KEYS=KEYS, BOSS_HASH_KEY_ID="s0")
def test_an_old_pbkdf2_hash_verifies_and_is_converted_on_success(old_line):
    assert service_password_stale(old_line.service_password)
    assert line_service_password_check(line=old_line, password="135790")
    stored = Line.objects.get(pk=old_line.pk).service_password
    assert stored.startswith("hmac_sha256$s0$") and stored == old_line.service_password
    assert line_service_password_check(line=Line.objects.get(pk=old_line.pk), password="135790")
    assert not line_service_password_check(line=Line.objects.get(pk=old_line.pk), password="135791")


@override_settings(BOSS_HASH_KEYS=KEYS, BOSS_HASH_KEY_ID="s0")
def test_a_wrong_password_is_refused_and_nothing_is_written(old_line):
    before = old_line.service_password
    assert not line_service_password_check(line=old_line, password="135791")
    assert not line_service_password_check(line=old_line, password="")
    assert Line.objects.get(pk=old_line.pk).service_password == before  # still the old hash: not converted


def test_key_rotation_converts_on_the_next_successful_check(db):
    with override_settings(BOSS_HASH_KEYS=KEYS, BOSS_HASH_KEY_ID="s0"):
        line = LineFactory(service_password=service_password_hash("135790", identity_number=ID))
    with override_settings(BOSS_HASH_KEYS=KEYS, BOSS_HASH_KEY_ID="k2"):
        assert service_password_stale(line.service_password)
        assert not line_service_password_check(line=line, password="135791")
        assert Line.objects.get(pk=line.pk).service_password.startswith("hmac_sha256$s0$")  # a wrong one: kept
        assert line_service_password_check(line=line, password="135790")
        assert Line.objects.get(pk=line.pk).service_password.startswith("hmac_sha256$k2$")
    # the old key retired: the converted hash still verifies
    with override_settings(BOSS_HASH_KEYS={"k2": KEYS["k2"]}, BOSS_HASH_KEY_ID="k2"):
        assert line_service_password_check(line=Line.objects.get(pk=line.pk), password="135790")


def test_a_hash_under_an_unknown_key_never_matches(db):
    with override_settings(BOSS_HASH_KEYS=KEYS, BOSS_HASH_KEY_ID="s0"):
        encoded = service_password_hash("135790", identity_number=ID)
    with override_settings(BOSS_HASH_KEYS={"s0": "another-key"}, BOSS_HASH_KEY_ID="s0"):
        assert not service_password_check("135790", encoded)

"""The service password: 6 digits, never trivial, never from the ID number, stored hashed."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from customers.errors import (
    ServicePasswordFormatError,
    ServicePasswordFromIdentityError,
    TrivialServicePasswordError,
)
from customers.passwords import (
    service_password_check,
    service_password_hash,
    service_password_suggest,
    service_password_validate,
    validate_service_password_field,
)

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

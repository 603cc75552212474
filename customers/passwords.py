"""The service password (服务密码, process 1.6): 6 digits, stored hashed, never trivial.

Trivial means guessable by anyone who sees the customer or their card: one digit repeated (000000), a
straight run up or down (123456, 654321, also 890123 wrapping over 9), short patterns repeated (121212,
123123, 112233), and anything taken from the ID number: its last six digits or the birth date in it
(YYMMDD, MMDDYY, DDMMYY). The opening stores the hash on the line with `service_password_hash`; a
line's password is checked with `service_password_check` (and converted by
`customers.services.lines.line_service_password_check`).

The hash is keyed (boss/keyed_hash.py: HMAC-SHA256 under a server key with a key id), not slow: a slow
hash cannot protect a million possible passwords, the key kept out of the database does, and PBKDF2 cost
225 ms of CPU per opening. Hashes made earlier with Django's password hasher still verify and are
converted on their next successful check, like hashes under a rotated-out key.
"""

import secrets

from django.contrib.auth.hashers import check_password

from boss.keyed_hash import is_keyed, keyed_hash, keyed_hash_check, keyed_hash_stale
from customers.errors import (
    ServicePasswordFormatError,
    ServicePasswordFromIdentityError,
    TrivialServicePasswordError,
)
from customers.identity import normalize

LENGTH = 6
PURPOSE = "customers.line.service_password"


def _is_trivial(pw: str) -> bool:
    digits = [int(c) for c in pw]
    steps = {(b - a) % 10 for a, b in zip(digits, digits[1:], strict=False)}
    if len(steps) == 1 and steps <= {0, 1, 9}:  # 000000, 123456, 654321, 890123, 210987
        return True
    if pw[:2] * 3 == pw or pw[:3] * 2 == pw:    # 121212, 123123
        return True
    pairs = [pw[i:i + 2] for i in range(0, LENGTH, 2)]
    if all(p[0] == p[1] for p in pairs):         # 112233, 998877
        return True
    return False


def _identity_forms(identity_number: str) -> set[str]:
    number = normalize(identity_number)
    forms = set()
    tail = "".join(c for c in number[-6:] if c.isdigit())
    if len(tail) == LENGTH:
        forms.add(tail)
    if len(number) == 18 and number[:17].isdigit():
        yyyy, mm, dd = number[6:10], number[10:12], number[12:14]
        forms |= {yyyy[2:] + mm + dd, mm + dd + yyyy[2:], dd + mm + yyyy[2:]}
    return forms


def service_password_validate(password: str, *, identity_number: str = "") -> str:
    """Return the password if it is 6 digits and not trivial for this identity.

    Raises ServicePasswordFormatError, TrivialServicePasswordError, ServicePasswordFromIdentityError.
    """
    password = (password or "").strip()
    if len(password) != LENGTH or not password.isascii() or not password.isdigit():
        raise ServicePasswordFormatError()
    if _is_trivial(password):
        raise TrivialServicePasswordError()
    if identity_number and password in _identity_forms(identity_number):
        raise ServicePasswordFromIdentityError()
    return password


def service_password_suggest(*, identity_number: str = "") -> str:
    """A random 6-digit password that passes `service_password_validate` for this identity."""
    while True:
        candidate = f"{secrets.randbelow(10 ** LENGTH):06d}"
        if not _is_trivial(candidate) and candidate not in _identity_forms(identity_number):
            return candidate


class ServicePasswordHash(str):
    """A service password already validated and hashed (`service_password_seal`): what a draft keeps in the
    counter's session until its commit, in place of the digits (the session is a database row)."""


def service_password_hash(password: str, *, identity_number: str = "") -> str:
    """Validate and hash with the keyed hash (what Line.service_password holds). A `ServicePasswordHash`
    is taken as it is: it was validated when the draft was entered (the draft's dry run)."""
    if isinstance(password, ServicePasswordHash):
        return str(password)
    return keyed_hash(PURPOSE, service_password_validate(password, identity_number=identity_number))


def service_password_seal(password: str) -> ServicePasswordHash:
    """The keyed hash a line will hold for `password`, made now so that the digits need not be kept (no rules
    applied: the caller has just had them checked by the service, in the draft's dry run)."""
    return ServicePasswordHash(keyed_hash(PURPOSE, password))


def service_password_check(password: str, encoded: str) -> bool:
    """True when `password` matches the stored hash (keyed, or a Django password-hasher hash from before
    the keyed hash). An empty hash never matches."""
    if not encoded or not password:
        return False
    if is_keyed(encoded):
        return keyed_hash_check(PURPOSE, password, encoded)
    return check_password(password, encoded)


def service_password_stale(encoded: str) -> bool:
    """True when the stored hash should be made again after a successful check: a Django password-hasher
    hash (PBKDF2) or a keyed hash under a key other than the current one."""
    return not is_keyed(encoded) or keyed_hash_stale(encoded)


def service_password_rehash(password: str) -> str:
    """The keyed hash of a password that has just been checked against its stored hash (no rules applied:
    converting a hash never refuses)."""
    return keyed_hash(PURPOSE, password)


def validate_service_password_field(value: str) -> None:
    """A Django form/serializer validator (shape and triviality; the identity is checked by the service)."""
    from django.core.exceptions import ValidationError

    try:
        service_password_validate(value)
    except (ServicePasswordFormatError, TrivialServicePasswordError) as exc:
        raise ValidationError(str(exc.message), code=exc.code) from None

"""Keyed hashes of short secrets: service passwords (6 digits) and recharge-card PINs.

A slow hash does not protect a short secret (a million guesses for 6 digits); a key kept out of the
database does: a stolen table cannot be checked against guesses without it. Each hash is
HMAC-SHA256 (Django's `salted_hmac`, the purpose as its key salt) under one of the keys in
`settings.BOSS_HASH_KEYS` ({key id: secret}; none configured: "s0" = SECRET_KEY), and is stored as

    hmac_sha256$<key id>$<salt>$<hex digest>

New hashes use `settings.BOSS_HASH_KEY_ID`. To rotate: add the new key to BOSS_HASH_KEYS, make it
BOSS_HASH_KEY_ID and keep the old one until its hashes are gone; `keyed_hash_stale` says which hashes
are under an older key, so the caller converts them on the next successful check.
"""

import secrets

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

ALGORITHM = "hmac_sha256"


def _key(key_id: str) -> str | None:
    keys = settings.BOSS_HASH_KEYS or {"s0": settings.SECRET_KEY}
    return keys.get(key_id)


def _digest(purpose: str, secret: str, salt: str, key: str) -> str:
    return salted_hmac(purpose, f"{salt}:{secret}", secret=key, algorithm="sha256").hexdigest()


def keyed_hash(purpose: str, secret: str, *, salt: str | None = None) -> str:
    """The stored form of `secret` under the current key. `salt` defaults to a random one (so that two
    equal secrets do not share a hash); pass a stable one where the record has it (a card's serial)."""
    key_id = settings.BOSS_HASH_KEY_ID
    key = _key(key_id)
    if not key:
        raise RuntimeError(f"BOSS_HASH_KEY_ID {key_id!r} is not in BOSS_HASH_KEYS")
    salt = secrets.token_hex(6) if salt is None else salt
    if "$" in salt or "$" in key_id:
        raise ValueError("a key id or salt cannot hold '$'")
    return f"{ALGORITHM}${key_id}${salt}${_digest(purpose, secret, salt, key)}"


def is_keyed(encoded: str) -> bool:
    return (encoded or "").startswith(ALGORITHM + "$") and encoded.count("$") == 3


def keyed_hash_check(purpose: str, secret: str, encoded: str) -> bool:
    """Does `secret` match `encoded` (a `keyed_hash` of the same purpose)? A hash under a key id that is no
    longer configured never matches."""
    if not is_keyed(encoded) or not secret:
        return False
    _, key_id, salt, digest = encoded.split("$")
    key = _key(key_id)
    return bool(key) and constant_time_compare(digest, _digest(purpose, secret, salt, key))


def keyed_hash_stale(encoded: str) -> bool:
    """True when `encoded` is under another key than the current one: hash again after a successful check."""
    return encoded.split("$")[1] != settings.BOSS_HASH_KEY_ID


def keyed_hash_lookups(purpose: str, secret: str, *, salt: str) -> list[str]:
    """The stored forms of `secret` under every configured key, with a fixed `salt`: for a secret that is
    itself the look-up (a device's address), `filter(hash__in=keyed_hash_lookups(...))` finds its row
    whichever key hashed it."""
    keys = settings.BOSS_HASH_KEYS or {"s0": settings.SECRET_KEY}
    return [f"{ALGORITHM}${key_id}${salt}${_digest(purpose, secret, salt, key)}" for key_id, key in keys.items()]

"""Keyed hashes of short secrets: HMAC-SHA256 under a server key with a key id, rotatable."""

import pytest
from django.test import override_settings

from boss.keyed_hash import is_keyed, keyed_hash, keyed_hash_check, keyed_hash_stale

KEYS = {"s0": "old-secret-0123456789", "k2": "new-secret-0123456789"}


@override_settings(BOSS_HASH_KEYS=KEYS, BOSS_HASH_KEY_ID="s0")
def test_hash_is_keyed_salted_and_checks():
    encoded = keyed_hash("test.purpose", "135790")
    algorithm, key_id, salt, digest = encoded.split("$")
    assert (algorithm, key_id, len(digest)) == ("hmac_sha256", "s0", 64) and "135790" not in encoded
    assert is_keyed(encoded) and not keyed_hash_stale(encoded)
    assert keyed_hash_check("test.purpose", "135790", encoded)
    assert not keyed_hash_check("test.purpose", "135791", encoded)
    assert not keyed_hash_check("other.purpose", "135790", encoded)  # a hash is good for its own purpose only
    assert not keyed_hash_check("test.purpose", "", encoded)
    assert keyed_hash("test.purpose", "135790") != encoded  # a random salt each time
    assert keyed_hash("test.purpose", "135790", salt="abc") == keyed_hash("test.purpose", "135790", salt="abc")


def test_the_key_is_what_protects_it():
    with override_settings(BOSS_HASH_KEYS=KEYS, BOSS_HASH_KEY_ID="s0"):
        encoded = keyed_hash("test.purpose", "135790")
    # the same table under another key (a stolen table without the key) cannot be checked
    with override_settings(BOSS_HASH_KEYS={"s0": "guessed-key"}, BOSS_HASH_KEY_ID="s0"):
        assert not keyed_hash_check("test.purpose", "135790", encoded)
    # a key id no longer configured never matches
    with override_settings(BOSS_HASH_KEYS={"k2": KEYS["k2"]}, BOSS_HASH_KEY_ID="k2"):
        assert not keyed_hash_check("test.purpose", "135790", encoded)


def test_rotation_old_hashes_verify_and_are_stale():
    with override_settings(BOSS_HASH_KEYS=KEYS, BOSS_HASH_KEY_ID="s0"):
        old = keyed_hash("test.purpose", "135790")
    with override_settings(BOSS_HASH_KEYS=KEYS, BOSS_HASH_KEY_ID="k2"):
        new = keyed_hash("test.purpose", "135790")
        assert new.split("$")[1] == "k2" and not keyed_hash_stale(new)
        assert keyed_hash_check("test.purpose", "135790", old) and keyed_hash_stale(old)


@override_settings(BOSS_HASH_KEYS={}, SECRET_KEY="the-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
def test_without_configured_keys_the_secret_key_is_key_s0():
    encoded = keyed_hash("test.purpose", "135790")
    assert encoded.split("$")[1] == "s0"
    with override_settings(BOSS_HASH_KEYS={"s0": "the-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"}):
        assert keyed_hash_check("test.purpose", "135790", encoded)


@override_settings(BOSS_HASH_KEYS=KEYS, BOSS_HASH_KEY_ID="nope")
def test_a_current_key_id_without_a_key_refuses_to_hash():
    with pytest.raises(RuntimeError):
        keyed_hash("test.purpose", "135790")

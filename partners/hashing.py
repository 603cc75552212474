"""The exchange's digest of an identity document: HMAC-SHA256 under the joint blacklist's shared key
(settings.BOSS_JOINT_BLACKLIST_KEY, agreed with the other operators), so that every operator holding the
key computes the same value and no one sends a number in clear."""

import hashlib
import hmac

from django.conf import settings

from customers.identity import normalize


def identity_hash(doc_type: str, number: str) -> str:
    message = f"{doc_type}:{normalize(number)}".encode()
    return hmac.new(settings.BOSS_JOINT_BLACKLIST_KEY.encode(), message, hashlib.sha256).hexdigest()

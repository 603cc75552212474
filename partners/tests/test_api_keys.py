"""Partner keys on the partner API: scopes, rotation with an overlap, revocation at once, client
addresses, the rate limit, and staff tokens and partner keys never mixing."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from boss.models import AuditEvent
from partners.models import BlacklistEntry, PartnerKey
from partners.services import (
    partner_key_issue,
    partner_key_revoke,
    partner_key_rotate,
    partner_resume,
    partner_suspend,
)

pytestmark = pytest.mark.django_db
ROW = {"identity_type": "resident_id", "number": "11010519491231002X", "reason": "恶意欠费", "since": "2026-01-05"}


def _push(partner_api, key, rows=(ROW,)):
    return partner_api.post("blacklist/entries", {"entries": list(rows)}, key)


def test_the_key_is_stored_only_as_its_digest(admin_user, operator_partner):
    key, raw = partner_key_issue(actor=admin_user, partner=operator_partner, scopes=["blacklist.push"])
    assert raw.startswith(f"bpk_{key.prefix}_") and raw not in (key.key_hash, key.prefix)
    assert not PartnerKey.objects.filter(key_hash__contains=raw[-20:]).exists()


def test_a_key_pushes_and_each_call_is_audited_with_the_interface_number(partner_api, push_key):
    response = _push(partner_api, push_key)
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1
    event = AuditEvent.objects.get(action="partner.api_call")
    assert event.after["interface_number"] == "OP-GZ-01" and event.after["status"] == 200


def test_a_key_without_the_scope_is_refused(partner_api, admin_user, operator_partner):
    _key, raw = partner_key_issue(actor=admin_user, partner=operator_partner, scopes=["blacklist.read"])
    response = _push(partner_api, raw)
    assert response.status_code == 403 and response.json()["code"]
    assert not BlacklistEntry.objects.exists()


def test_scopes_follow_the_partner_type(admin_user, agent_partner):
    with pytest.raises(Exception) as exc:
        partner_key_issue(actor=admin_user, partner=agent_partner, scopes=["blacklist.push"])
    assert exc.value.code == "key_scope_invalid" and not PartnerKey.objects.exists()


def test_a_revoked_key_is_refused_at_once(partner_api, admin_user, push_key):
    assert _push(partner_api, push_key).status_code == 200
    partner_key_revoke(actor=admin_user, key=PartnerKey.objects.get(), reason="泄露")
    response = _push(partner_api, push_key)
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == "PartnerKey"


def test_a_suspended_partners_key_is_refused_until_resumed(partner_api, admin_user, operator_partner, push_key):
    partner_suspend(actor=admin_user, partner=operator_partner, reason="协议到期")
    assert _push(partner_api, push_key).status_code == 401
    partner_resume(actor=admin_user, partner=operator_partner, reason="续签")
    assert _push(partner_api, push_key).status_code == 200


def test_a_rotated_key_keeps_working_for_the_overlap_then_stops(partner_api, admin_user, push_key, set_tariff):
    set_tariff("partner.key_overlap_hours", "2")
    old = PartnerKey.objects.get()
    new, new_raw = partner_key_rotate(actor=admin_user, key=old)
    old.refresh_from_db()
    assert old.replaced_by == new and old.expires_at - timezone.now() > timedelta(hours=1, minutes=59)
    assert new.scopes == old.scopes
    assert _push(partner_api, push_key).status_code == 200 and _push(partner_api, new_raw).status_code == 200
    PartnerKey.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _push(partner_api, push_key).status_code == 401 and _push(partner_api, new_raw).status_code == 200
    with pytest.raises(Exception) as exc:
        partner_key_rotate(actor=admin_user, key=old)
    assert exc.value.code == "key_state"


def test_a_key_limited_to_addresses_is_refused_from_elsewhere(partner_api, admin_user, operator_partner):
    _key, raw = partner_key_issue(actor=admin_user, partner=operator_partner, scopes=["blacklist.push"],
                                  allowed_ips=["10.1.0.0/16"])
    assert _push(partner_api, raw, ).status_code == 401   # the test client comes from 127.0.0.1
    assert _push(partner_api, raw, ).status_code == 401
    assert partner_api.post("blacklist/entries", {"entries": [ROW]}, raw, REMOTE_ADDR="10.1.2.3").status_code == 200


def test_bad_addresses_are_refused(admin_user, operator_partner):
    with pytest.raises(Exception) as exc:
        partner_key_issue(actor=admin_user, partner=operator_partner, scopes=["blacklist.push"],
                          allowed_ips=["not-an-ip"])
    assert exc.value.code == "key_address_invalid" and not PartnerKey.objects.exists()


def test_a_key_is_rate_limited(partner_api, push_key, set_tariff):
    set_tariff("partner.api_calls_per_minute", "3")
    statuses = [_push(partner_api, push_key).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_staff_tokens_and_partner_keys_never_mix(client, partner_api, push_key, rep):
    token = Token.objects.create(user=rep).key
    staff_on_partner = client.post("/api/v1/partner/blacklist/entries", {"entries": [ROW]},
                                   content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}")
    assert staff_on_partner.status_code == 401
    partner_on_staff = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"PartnerKey {push_key}")
    assert partner_on_staff.status_code in (401, 403)
    client.force_login(rep)   # nor a staff session
    assert client.get("/api/v1/partner/blacklist").status_code == 401


@pytest.mark.parametrize("header", ["PartnerKey", "PartnerKey a b", "PartnerKey bpk_x_y", "PartnerKey 不是密钥"])
def test_malformed_keys_are_refused(client, header, push_key):
    response = client.get("/api/v1/partner/blacklist", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401 and response.json()["code"]

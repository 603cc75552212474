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


def test_behind_a_trusted_proxy_the_address_limit_reads_the_partners_address(partner_api, admin_user,
                                                                           operator_partner, settings):
    _key, raw = partner_key_issue(actor=admin_user, partner=operator_partner, scopes=["blacklist.push"],
                                  allowed_ips=["10.1.0.0/16"])
    settings.BOSS_TRUSTED_PROXIES = ["192.0.2.10"]
    via_proxy = {"REMOTE_ADDR": "192.0.2.10"}
    assert partner_api.post("blacklist/entries", {"entries": [ROW]}, raw, HTTP_X_FORWARDED_FOR="10.1.2.3",
                            **via_proxy).status_code == 200
    # What a caller writes into the header itself stands left of the proxy's entry and is never taken.
    assert partner_api.post("blacklist/entries", {"entries": [ROW]}, raw, HTTP_X_FORWARDED_FOR="10.1.2.3, 203.0.113.7",
                            **via_proxy).status_code == 401
    settings.BOSS_TRUSTED_PROXIES = []
    assert partner_api.post("blacklist/entries", {"entries": [ROW]}, raw, HTTP_X_FORWARDED_FOR="10.1.2.3",
                            **via_proxy).status_code == 401


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


def _refusals():
    return list(AuditEvent.objects.filter(action="partner.api_refused").order_by("id"))


def test_a_call_refused_at_key_authentication_is_audited_with_the_interface_number_and_why(
        partner_api, admin_user, operator_partner, push_key, client):
    """Revoked, expired, from another address, the partner suspended, or the prefix with a wrong secret: each
    refused call is one audit event naming the interface number, the key's prefix and the reason, without
    the secret; nothing else is written, and the caller is told nothing more than before."""
    key = PartnerKey.objects.get()
    limited, limited_raw = partner_key_issue(actor=admin_user, partner=operator_partner, scopes=["blacklist.push"],
                                             allowed_ips=["10.1.0.0/16"])
    assert _push(partner_api, limited_raw).status_code == 401                       # from 127.0.0.1
    assert _push(partner_api, f"bpk_{key.prefix}_{'x' * 30}").status_code == 401     # the prefix, a wrong secret
    partner_suspend(actor=admin_user, partner=operator_partner, reason="协议到期")
    assert _push(partner_api, push_key).status_code == 401
    partner_resume(actor=admin_user, partner=operator_partner, reason="续签")
    PartnerKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _push(partner_api, push_key).status_code == 401
    PartnerKey.objects.filter(pk=key.pk).update(expires_at=None)
    partner_key_revoke(actor=admin_user, key=key, reason="泄露")
    response = _push(partner_api, push_key)
    assert response.status_code == 401
    assert response.json()["message"] == "合作伙伴密钥无效、已吊销或已过期，或不允许从此地址调用。"
    assert client.get("/api/v1/partner/blacklist", HTTP_AUTHORIZATION="PartnerKey bpk_nosuchkey_zz").status_code == 401

    refused = _refusals()   # the unknown prefix names no key: not audited (the security log has it)
    assert [(e.after["key"], e.after["refusal"]) for e in refused] == [
        (limited.prefix, "address_not_allowed"), (key.prefix, "wrong_secret"), (key.prefix, "partner_not_active"),
        (key.prefix, "expired"), (key.prefix, "revoked")]
    for event in refused:
        assert event.after["interface_number"] == "OP-GZ-01" and event.actor is None
        assert event.after["path"] == "/api/v1/partner/blacklist/entries" and event.after["method"] == "POST"
        assert event.target_id == str(operator_partner.pk)
        assert push_key not in str(event.after) and limited_raw not in str(event.after) and "x" * 30 not in str(
            event.after)
    assert not AuditEvent.objects.filter(action="partner.api_call").exists()
    assert not BlacklistEntry.objects.exists()


def test_the_partner_page_shows_refused_calls_in_chinese(partner_api, admin_user, operator_partner, push_key,
                                                         client):
    partner_key_revoke(actor=admin_user, key=PartnerKey.objects.get(), reason="泄露")
    assert _push(partner_api, push_key).status_code == 401
    client.force_login(admin_user)
    page = client.get(f"/partners/{operator_partner.pk}/").content.decode()
    assert "合作方系统调用被拒绝" in page and "密钥已吊销" in page and "revoked" not in page

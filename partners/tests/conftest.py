import pytest

from partners.models import Partner
from partners.services import partner_create, partner_key_issue


@pytest.fixture
def admin_user(make_staff):
    return make_staff("admin", username="padmin")


@pytest.fixture
def operator_partner(admin_user):
    return partner_create(actor=admin_user, name="联通广州分公司", category=Partner.Category.OPERATOR,
                          interface_number="OP-GZ-01", receives_blacklist=True)


@pytest.fixture
def agent_partner(admin_user):
    return partner_create(actor=admin_user, name="天河代办商", category=Partner.Category.AGENT,
                          interface_number="AG-TH-01")


@pytest.fixture
def push_key(admin_user, operator_partner):
    _key, raw = partner_key_issue(actor=admin_user, partner=operator_partner,
                                  scopes=["blacklist.push", "blacklist.read"])
    return raw


@pytest.fixture
def partner_api(client):
    """POST/GET on the partner API with a key."""

    class Api:
        def post(self, path, data, key, **extra):
            return client.post(f"/api/v1/partner/{path}", data=data, content_type="application/json",
                               HTTP_AUTHORIZATION=f"PartnerKey {key}", **extra)

        def get(self, path, key, **extra):
            return client.get(f"/api/v1/partner/{path}", HTTP_AUTHORIZATION=f"PartnerKey {key}", **extra)

    return Api()

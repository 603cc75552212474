"""Secondary cards (主副卡) through the portal's API: listed, added (one of the customer's own other lines, by id)
and removed through the same services as the portal's page (orders' line_secondary_add / _remove, the web channel
as the operator); once per Idempotency-Key; the counter's refusals in the API's error shape with the Chinese
message and nothing written; another customer's line (as the path's line or as the card) is a 404."""

import pytest

from boss.models import AuditEvent
from customers.models import SecondaryCard
from orders.models import Order
from portal.tests.test_api import _as_customer, _token

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(mine):
    return _as_customer(_token(mine))


@pytest.fixture
def family(live, mine):
    """The signed-in customer's line takes one secondary card; they own a second line."""
    live.plan.max_secondary_cards = 1
    live.plan.save(update_fields=["max_secondary_cards"])
    return live.open_line("13912345671")


def _url(line, tail: str = "") -> str:
    return f"/api/v1/portal/lines/{line.pk}/secondary-cards{tail}"


def _written():
    return Order.objects.count(), SecondaryCard.objects.count(), AuditEvent.objects.filter(
        action__startswith="line.secondary").count()


def test_a_secondary_card_is_listed_added_and_removed_once_each(api, mine, family, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        listed = api.get(_url(mine))
    assert listed.status_code == 200
    assert listed.json() == {"primary": None, "cards": [], "own_lines": [{"id": family.pk, "msisdn": "13912345671"}]}
    body = {"secondary": family.pk, "agreement_signed": True}
    first = api.post(_url(mine), body, format="json", HTTP_IDEMPOTENCY_KEY="s1")
    again = api.post(_url(mine), body, format="json", HTTP_IDEMPOTENCY_KEY="s1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true" and first.json()["secondary"] == "13912345671"
    card = SecondaryCard.objects.get(until__isnull=True)
    assert (card.primary_id, card.secondary_id) == (mine.pk, family.pk)
    order = Order.objects.get(kind="secondary_add")
    assert order.reference == first.json()["order"]
    assert order.actor.username == "web" and order.documents_checked == ["web_signin"]
    assert AuditEvent.objects.filter(action="line.secondary.add", actor__username="web").count() == 1
    cards = api.get(_url(mine)).json()["cards"]
    assert cards == [{"msisdn": "13912345671", "since": card.since.isoformat()}]
    assert api.get(_url(family)).json()["primary"] == mine.msisdn
    removed = api.post(_url(mine, "/remove"), {"secondary": "13912345671", "agreement_signed": True},
                       format="json", HTTP_IDEMPOTENCY_KEY="r1")
    assert removed.status_code == 201 and removed.json()["secondary"] == "13912345671"
    card.refresh_from_db()
    assert card.end_reason == "removed" and Order.objects.filter(kind="secondary_remove").count() == 1
    assert Order.objects.get(kind="secondary_remove").actor.username == "web"
    assert api.get(_url(mine)).json()["cards"] == []


def test_the_counters_refusals_come_in_the_error_shape_in_chinese_and_write_nothing(api, live, mine, family):
    live.plan.max_secondary_cards = 0
    live.plan.save(update_fields=["max_secondary_cards"])
    before = _written()
    limit = api.post(_url(mine), {"secondary": family.pk, "agreement_signed": True}, format="json")
    assert limit.status_code == 409 and limit.json()["code"] == "secondary_card_limit"
    assert limit.json()["message"] == "套餐“5G智享128元”不能办理副卡：请先变更为可带副卡的套餐。"
    unsigned = api.post(_url(mine), {"secondary": family.pk}, format="json")
    assert unsigned.status_code == 400 and unsigned.json()["fields"]["agreement_signed"] == ["请先阅读并同意条款。"]
    not_card = api.post(_url(mine, "/remove"), {"secondary": "13912345671", "agreement_signed": True}, format="json")
    assert not_card.status_code == 409 and not_card.json()["message"] == "13912345671 不是本号码的副卡。"
    # a number that is nobody's line gets the same answer (the web looks up no number)
    nobody = api.post(_url(mine, "/remove"), {"secondary": "13900000000", "agreement_signed": True}, format="json")
    assert nobody.status_code == 409 and nobody.json()["message"] == "13900000000 不是本号码的副卡。"
    assert _written() == before


def test_a_line_cannot_be_its_own_secondary_card(api, mine, family):
    before = _written()
    own = api.post(_url(mine), {"secondary": mine.pk, "agreement_signed": True}, format="json")
    assert own.status_code == 409 and own.json()["message"] == "号码不能作为自己的副卡：请输入该客户的另一个号码。"
    assert _written() == before


def test_another_customers_line_is_404_as_the_line_or_as_the_card_and_nothing_is_written(api, mine, family,
                                                                                          theirs):
    before = _written()
    assert api.get(_url(theirs)).status_code == 404
    as_line = api.post(_url(theirs), {"secondary": family.pk, "agreement_signed": True}, format="json",
                       HTTP_IDEMPOTENCY_KEY="x1")
    assert as_line.status_code == 404
    as_card = api.post(_url(mine), {"secondary": theirs.pk, "agreement_signed": True}, format="json",
                       HTTP_IDEMPOTENCY_KEY="x2")
    assert as_card.status_code == 404 and theirs.msisdn not in as_card.content.decode()
    remove = api.post(_url(theirs, "/remove"), {"secondary": mine.msisdn, "agreement_signed": True}, format="json",
                      HTTP_IDEMPOTENCY_KEY="x3")
    assert remove.status_code == 404
    assert theirs.msisdn not in api.get(_url(mine)).content.decode()
    assert _written() == before


def test_the_schema_documents_the_secondary_card_operations():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    listing = paths["/api/v1/portal/lines/{line_id}/secondary-cards"]
    assert set(listing) >= {"get", "post"} and listing["post"]["security"] == [{"customerToken": []}]
    assert "post" in paths["/api/v1/portal/lines/{line_id}/secondary-cards/remove"]

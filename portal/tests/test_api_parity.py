"""The portal API answers what the screens show (issue 17, for a mobile app): the points lots with their expiry
dates, the itemised bill with the other party masked as the tariff says, the portability check with its
reasons, the announcements of the line's hall; another customer's line is a 404 on each."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.tests.test_api import _as_customer, _token


@pytest.fixture
def api(mine):
    return _as_customer(_token(mine))


def test_points_lots_with_their_expiry_dates(api, mine):
    from billing.models import PointsLot

    today = timezone.localdate()
    PointsLot.objects.create(customer=mine.customer, earned_on=today, points=500, remaining=500,
                             expires_on=today + timedelta(days=700))
    PointsLot.objects.create(customer=mine.customer, earned_on=today - timedelta(days=300), points=800,
                             remaining=300, expires_on=today + timedelta(days=30))
    PointsLot.objects.create(customer=mine.customer, earned_on=today - timedelta(days=900), points=100,
                             remaining=100, expires_on=today - timedelta(days=1))     # expired: not listed
    body = api.get("/api/v1/portal/points").json()
    assert body["balance"] == 800 and body["expiring_soon"] == 300
    assert [(lot["expires_on"], lot["remaining"]) for lot in body["lots"]] == [
        ((today + timedelta(days=30)).isoformat(), 300), ((today + timedelta(days=700)).isoformat(), 500)]


@pytest.mark.parametrize("masked", [True, False])
def test_itemised_bill_masked_as_the_tariff_says(api, mine, theirs, set_tariff, masked):
    from billing.models import UsageRecord

    set_tariff("portal.mask_other_party", "true" if masked else "false")
    UsageRecord.objects.create(record_id="P1", line=mine, msisdn=mine.msisdn, kind="voice",
                               started_at=timezone.now(), duration_seconds=65, other_party="13900139000")
    month = f"{timezone.localdate():%Y-%m}"
    response = api.get(f"/api/v1/portal/lines/{mine.pk}/itemised", {"month": month})
    assert response.status_code == 200, response.content
    [record] = response.json()["records"]
    assert record["other_party"] == ("139****9000" if masked else "13900139000")
    assert record["duration_seconds"] == 65 and record["kind_label"] == "语音"
    assert "13900139000" not in response.content.decode() or not masked
    assert api.get(f"/api/v1/portal/lines/{theirs.pk}/itemised", {"month": month}).status_code == 404
    assert api.get(f"/api/v1/portal/lines/{mine.pk}/itemised", {"month": "2001-01"}).status_code == 404
    bad = api.get(f"/api/v1/portal/lines/{mine.pk}/itemised", {"month": "2026-13"})
    assert bad.status_code == 400 and bad.json()["message"] == "请按 YYYY-MM 格式填写月份。"


def test_portability_with_each_reason(api, mine, theirs, set_tariff):
    set_tariff("portability.min_days", "120")
    body = api.get(f"/api/v1/portal/lines/{mine.pk}/portability").json()
    assert body["eligible"] is False and len(body["conditions"]) == 5
    days = next(c for c in body["conditions"] if c["code"] == "min_days")
    assert days["met"] is False and days["label"] == "在网满 120 天" and "起可办理" in days["explanation"]
    assert all(c["explanation"] == "" for c in body["conditions"] if c["met"])
    assert api.get(f"/api/v1/portal/lines/{theirs.pk}/portability").status_code == 404


def test_announcements_of_the_lines_hall(api, rep):
    from hall.models import Announcement

    now = timezone.now()
    common = {"kind": "campaign", "valid_from": now - timedelta(days=1), "created_by": rep}
    Announcement.objects.create(title="充值送流量", body="充100送1G", audience="customers",
                                valid_until=now + timedelta(days=5), **common)
    Announcement.objects.create(title="内部通知", body="员工培训", audience="reps",
                                valid_until=now + timedelta(days=5), **common)
    assert [a["title"] for a in api.get("/api/v1/portal/announcements").json()] == ["充值送流量"]

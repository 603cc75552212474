"""The stock endpoints: hall-scoped lists without PINs, the CSV import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from inventory.models import SimCard

pytestmark = pytest.mark.django_db


def test_stock_lists_are_hall_scoped_and_never_show_pins(api, rep, other_hall):
    from datetime import date

    from inventory.models import RechargeCard

    SimCard.objects.create(iccid="89860000000000000001", imsi="460000000000001", capacity="usim", hall=rep.hall)
    SimCard.objects.create(iccid="89860000000000000002", imsi="460000000000002", capacity="usim", hall=other_hall)
    RechargeCard.objects.create(serial="10000000000000001", pin_hash="hmac_sha256$x", face_value="50.00",
                                hall=rep.hall, valid_until=date(2030, 1, 1))
    assert [s["iccid"] for s in api.get("/api/v1/stock/sims").json()["results"]] == ["89860000000000000001"]
    cards = api.get("/api/v1/stock/recharge-cards").json()["results"]
    assert cards[0]["serial"] == "10000000000000001" and "pin" not in str(cards)
    summary = api.get("/api/v1/stock/summary").json()
    assert summary["sims"] == [{"hall": rep.hall.code, "status": "in_stock", "count": 1, "capacity": "usim"}]


def test_stock_import_through_the_api(make_staff):
    client = APIClient()
    client.force_authenticate(make_staff("store_manager", username="sm"))
    upload = SimpleUploadedFile("d.csv", b"iccid,imsi,capacity\n89860000000000000001,460000000000001,usim\nx,y,z\n")
    body = client.post("/api/v1/stock/imports", {"kind": "sim", "file": upload}, format="multipart").json()
    assert (body["created_count"], body["error_count"], body["errors"][0][0]) == (1, 1, 3)
    bad = client.post("/api/v1/stock/imports", {"kind": "gold", "file": SimpleUploadedFile("d.csv", b"a")},
                      format="multipart")
    assert bad.status_code == 400 and "kind" in bad.json()["fields"]

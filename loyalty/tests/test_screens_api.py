"""The redemption screens and API: the counter redeems, a refusal is shown at the form in Chinese with
nothing written, the room's worklist answers, the counter's waiting screen polls, the receipt prints, a
replayed API request deducts once."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from billing.models import PointsEntry, PointsLot
from inventory.models import GiftStock
from loyalty.models import Redemption
from loyalty.tests.conftest import AGENT_ID, written

pytestmark = pytest.mark.django_db


def _redeem_post(client, w, **data):
    page = client.get(reverse("loyalty:redeem"), {"msisdn": w.line.msisdn})
    key = page.context["form"]["idempotency_key"].value()
    body = {"idempotency_key": key, "gift": str(w.mug.pk), "documents_checked": ["id_original"],
            "receipt_signed": "on", "method": "cash", **data}
    return client.post(reverse("loyalty:redeem") + f"?msisdn={w.line.msisdn}", body), key, body


def test_the_redemption_screen_shows_points_by_lot_and_the_gifts_in_stock(client, world,
                                                                        django_assert_max_num_queries):
    client.force_login(world.rep)
    with django_assert_max_num_queries(30):
        page = client.get(reverse("loyalty:redeem"), {"msisdn": world.line.msisdn})
    html = page.content.decode()
    assert page.status_code == 200
    assert "保温杯" in html and "雨伞" in html and "1000" in html
    assert 'checked' not in html.split('data-testid="gifts"')[1].split("</div>")[0]   # no gift preselected


def test_a_rep_redeems_at_the_counter_and_a_double_submit_deducts_once(client, world):
    client.force_login(world.rep)
    response, key, body = _redeem_post(client, world)
    assert response.status_code == 302
    redemption = Redemption.objects.get()
    assert redemption.state == "completed"
    again = client.post(reverse("loyalty:redeem") + f"?msisdn={world.line.msisdn}", body)
    assert again.status_code == 302 and Redemption.objects.count() == 1
    assert PointsEntry.objects.filter(kind="redeem").count() == 2   # two lots, one redemption
    detail = client.get(response["Location"])
    assert "礼品已发放" in detail.content.decode()


def test_the_form_brought_back_after_a_redemption_shows_the_first_and_deducts_nothing(client, world):
    """The redeem form keeps its key per line in the session (boss.forms.form_key): Back or a reload brings
    the form back with the key already used, says so, and sending it again shows the first redemption."""
    client.force_login(world.rep)
    first, key, body = _redeem_post(client, world)
    assert first.status_code == 302
    spent = PointsLot.objects.filter(customer=world.person).aggregate(s=Sum("remaining"))["s"]
    back = client.get(reverse("loyalty:redeem"), {"msisdn": world.line.msisdn})
    assert back.context["form"]["idempotency_key"].value() == key
    assert 'data-testid="form-submitted"' in back.content.decode()
    again = client.post(reverse("loyalty:redeem") + f"?msisdn={world.line.msisdn}", body)
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Redemption.objects.count() == 1 and PointsEntry.objects.filter(kind="redeem").count() == 2
    assert PointsLot.objects.filter(customer=world.person).aggregate(s=Sum("remaining"))["s"] == spent
    assert GiftStock.objects.get(gift=world.mug).quantity == 4


def test_a_new_redemption_form_has_a_new_key_and_redeems_again(client, world):
    client.force_login(world.rep)
    first, key, _body = _redeem_post(client, world)
    url = reverse("loyalty:redeem") + f"?msisdn={world.line.msisdn}"
    renewed = client.get(url + "&new_form=1")
    assert renewed.status_code == 302 and "new_form" not in renewed["Location"]   # a reload renews nothing
    page = client.get(renewed["Location"])
    new_key = page.context["form"]["idempotency_key"].value()
    assert new_key != key and 'data-testid="form-submitted"' not in page.content.decode()
    second = client.post(url, {"idempotency_key": new_key, "gift": str(world.speaker.pk),
                               "documents_checked": ["id_original"], "receipt_signed": "on", "method": "cash",
                               "tendered": "20.00"})
    assert second.status_code == 302 and second["Location"] != first["Location"]
    assert Redemption.objects.count() == 2


def test_the_top_up_method_is_the_customer_s_answer(client, world):
    client.force_login(world.rep)
    html = client.get(reverse("loyalty:redeem"), {"msisdn": world.line.msisdn}).content.decode()
    select = html.split('name="method"')[1].split("</select>")[0]
    assert 'value="" selected' in select and 'value="cash" selected' not in select   # nothing chosen
    before = written(world)
    response, _key, _body = _redeem_post(client, world, gift=str(world.speaker.pk), method="", tendered="20")
    html = response.content.decode()
    assert response.status_code == 400 and "请选择客户的付款方式。" in html.split('name="method"')[1][:2000]
    assert written(world) == before


def test_a_refusal_is_shown_on_the_form_and_writes_nothing(client, world):
    client.force_login(world.rep)
    before = written(world)
    response, _key, _body = _redeem_post(client, world, documents_checked=[])
    html = response.content.decode()
    assert response.status_code == 400 and "请先核验" in html
    assert written(world) == before
    GiftStock.objects.filter(gift=world.mug).update(quantity=0)   # gone meanwhile: the choice is refused
    before = written(world)
    response, _key, _body = _redeem_post(client, world)
    assert response.status_code == 400
    assert written(world) == before


def test_the_room_confirms_from_its_worklist_while_the_counter_waits(client, world):
    from loyalty.services.redemptions import redemption_start
    from orders.services.documents import AgentInput

    w = world
    r = redemption_start(actor=w.rep, line=w.org_line, gift=w.mug, documents_checked=["unit_letter", "licence",
                                                                                        "agent_id"],
                         seal="red_round", agent=AgentInput(doc_type="resident_id", number=AGENT_ID, name="李代办"))
    client.force_login(w.rep)
    waiting = client.get(reverse("loyalty:redemption_detail", args=[r.pk]), HTTP_HX_REQUEST="true")
    html = waiting.content.decode()
    assert 'hx-trigger="every 2s"' in html and "剩余答复时间" in html and 'data-seconds="' in html
    client.force_login(w.room)
    worklist = client.get(reverse("loyalty:confirm_list"))
    assert w.org.name in worklist.content.decode()
    answered = client.post(reverse("loyalty:confirm_answer", args=[r.pk]), {"answer": "yes", "note": "王经理可领取"})
    assert answered.status_code == 302
    client.force_login(w.rep)
    page = client.get(reverse("loyalty:redemption_detail", args=[r.pk]))
    assert "已确认" in page.content.decode()
    key = page.context["complete_form"]["idempotency_key"].value()
    done = client.post(reverse("loyalty:redemption_complete", args=[r.pk]),
                       {"idempotency_key": key, "receipt_signed": "on", "method": "cash"})
    assert done.status_code == 302
    r.refresh_from_db()
    assert r.state == "completed"


def test_the_waiting_screen_closes_a_request_past_its_deadline(client, world):
    from loyalty.services.redemptions import redemption_start
    from orders.services.documents import AgentInput

    w = world
    r = redemption_start(actor=w.rep, line=w.org_line, gift=w.mug, documents_checked=["unit_letter", "licence",
                                                                                        "agent_id"],
                         seal="red_round", agent=AgentInput(doc_type="resident_id", number=AGENT_ID, name="李代办"))
    client.force_login(w.rep)
    with time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=5)):
        page = client.get(reverse("loyalty:redemption_detail", args=[r.pk]), HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert "every 2s" not in html and "大客户室未在规定时间内答复" in html
    r.refresh_from_db()
    assert r.state == "timed_out"


@pytest.mark.needs_os
def test_the_signed_receipt_prints(client, world):
    client.force_login(world.rep)
    response, _key, _body = _redeem_post(client, world)
    r = Redemption.objects.get()
    pdf = client.get(reverse("loyalty:redemption_receipt", args=[r.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_api_redeems_once_per_key_and_refuses_a_reused_key(client, world, django_assert_max_num_queries):
    client.force_login(world.rep)
    with django_assert_max_num_queries(10):
        catalogue = client.get("/api/v1/gifts").json()
    assert [g["code"] for g in catalogue] == ["SPK", "MUG", "UMB"]
    key = str(uuid.uuid4())
    body = {"msisdn": world.line.msisdn, "gift": "MUG", "documents_checked": ["id_original"], "receipt_signed": True}
    first = client.post("/api/v1/redemptions", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201 and first.json()["state"] == "completed"
    replay = client.post("/api/v1/redemptions", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert Redemption.objects.count() == 1 and GiftStock.objects.get(gift=world.mug).quantity == 4
    reused = client.post("/api/v1/redemptions", {**body, "gift": "UMB"}, content_type="application/json",
                         HTTP_IDEMPOTENCY_KEY=key)
    assert reused.status_code == 409 and reused.json()["code"] == "idempotency_key_reused"
    assert Redemption.objects.count() == 1


def test_the_api_refuses_with_a_code_and_a_chinese_message(client, world):
    from billing.models import PointsLot

    client.force_login(world.rep)
    PointsLot.objects.filter(pk=world.new_lot.pk).update(remaining=100)   # 400 left, the mug costs 500
    before = written(world)
    response = client.post("/api/v1/redemptions", {"msisdn": world.line.msisdn, "gift": "MUG",
                                                   "documents_checked": ["id_original"], "receipt_signed": True},
                           content_type="application/json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 409
    assert response.json()["code"] == "points_insufficient" and "积分不足" in response.json()["message"]
    assert written(world) == before
    bad = client.post("/api/v1/redemptions", {"msisdn": "abc", "gift": "NOPE"}, content_type="application/json",
                      HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert bad.status_code == 400


def test_the_api_answer_call_completion_and_return(client, world):
    w = world
    client.force_login(w.rep)
    agent = {"doc_type": "resident_id", "number": AGENT_ID, "name": "李代办"}
    created = client.post("/api/v1/redemptions", {"msisdn": w.org_line.msisdn, "gift": "MUG", "agent": agent,
                                                  "documents_checked": ["unit_letter", "licence", "agent_id"],
                                                  "seal": "blue_round"},
                          content_type="application/json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())).json()
    assert created["state"] == "awaiting_room" and created["confirm_deadline"]
    assert client.post(f"/api/v1/redemptions/{created['id']}/answer", {"answer": "confirmed", "note": "可"},
                       content_type="application/json").status_code == 403   # the room answers, not the rep
    client.force_login(w.room)
    answered = client.post(f"/api/v1/redemptions/{created['id']}/answer", {"answer": "confirmed", "note": "王经理"},
                           content_type="application/json")
    assert answered.status_code == 200 and answered.json()["state"] == "confirmed"
    client.force_login(w.rep)
    done = client.post(f"/api/v1/redemptions/{created['id']}/completion", {"receipt_signed": True},
                       content_type="application/json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert done.status_code == 200 and done.json()["state"] == "completed"
    client.force_login(w.manager)
    back = client.post(f"/api/v1/redemptions/{created['id']}/return", {"reason": "未使用"},
                       content_type="application/json")
    assert back.status_code == 200 and back.json()["points_given_back"] == 500


def test_the_360_page_shows_the_points_history(client, world):
    from loyalty.services.redemptions import redemption_start

    redemption_start(actor=world.rep, line=world.line, gift=world.mug, documents_checked=["id_original"],
                     receipt_signed=True)
    client.force_login(world.rep)
    page = client.get(reverse("customers:detail", args=[world.person.pk]))
    html = page.content.decode()
    assert 'data-testid="points-360"' in html and "兑换礼品" in html and "保温杯" in html

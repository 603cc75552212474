"""The complaint API for the hotline and the portal: intake (idempotent), status, the steps, errors."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from boss.models import AuditEvent
from complaints.models import Complaint
from complaints.services import article_create
from complaints.tests.factories import ArticleCategoryFactory

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def body(category, line, cs):
    return {"channel": "hotline", "category": category.code, "description": "信号差", "msisdn": line.msisdn}


def test_filing_needs_an_idempotency_key_and_writes_nothing_without_one(reviewer, body):
    response = api(reviewer).post("/api/v1/complaints", body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "idempotency_key_required"
    assert not Complaint.objects.exists()


def test_a_retried_intake_files_one_complaint_and_another_body_with_the_key_is_refused(reviewer, body, line):
    client = api(reviewer)
    first = client.post("/api/v1/complaints", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/complaints", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    data = first.json()
    assert data["status"] == "to_review" and data["msisdn"] == line.msisdn and data["channel"] == "hotline"
    assert [s["stage"] for s in data["steps"]] == ["intake", "review"]
    other = client.post("/api/v1/complaints", {**body, "description": "别的"}, format="json",
                        HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    assert Complaint.objects.count() == 1


def test_an_out_of_scope_billing_dispute_is_a_400_with_its_code_and_params(reviewer, billing_category, line, cs):
    old = timezone.localdate() - timedelta(days=400)
    response = api(reviewer).post("/api/v1/complaints", {
        "channel": "hotline", "category": billing_category.code, "description": "话费", "msisdn": line.msisdn,
        "disputed_on": old.isoformat()}, format="json", HTTP_IDEMPOTENCY_KEY="k-2", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["code"] == "complaint_out_of_scope"
    assert response.json()["params"] == {"months": 5, "disputed_on": old.isoformat()}
    assert "out of scope" in response.json()["message"]
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("override, field", [({"category": "NOPE"}, "category"), ({"msisdn": "123"}, "msisdn"),
                                             ({"channel": "fax"}, "channel"), ({"customer_id": 999999}, None)])
def test_bad_input_is_a_4xx_with_the_field_never_a_500(reviewer, body, override, field):
    response = api(reviewer).post("/api/v1/complaints", {**body, **override}, format="json",
                                  HTTP_IDEMPOTENCY_KEY="k-3")
    assert response.status_code == 400
    if field:
        assert field in response.json()["fields"]
    else:
        assert response.json()["code"] == "invalid"
    assert not Complaint.objects.exists()


def test_the_whole_flow_through_the_api(reviewer, handler, body, net):
    number = api(reviewer).post("/api/v1/complaints", body, format="json", HTTP_IDEMPOTENCY_KEY="k-4").json()["number"]
    url = f"/api/v1/complaints/{number}"
    assert api(reviewer).post(f"{url}/dispatch", {"department": "NET", "severity": "urgent"},
                              format="json").json()["department"] == "NET"
    assert api(handler).post(f"{url}/reply", {"reply": "已处理"}, format="json").json()["status"] == "replied"
    assert api(reviewer).post(f"{url}/redispatch", {"reason": "未解决"}, format="json").json()["round"] == 2
    api(handler).post(f"{url}/reply", {"reply": "已彻底解决"}, format="json")
    assert api(reviewer).post(f"{url}/accept", {"answer": "已答复"}, format="json").json()["status"] == "answered"
    closed = api(reviewer).post(f"{url}/callback", {"satisfaction": "satisfied"}, format="json").json()
    assert closed["status"] == "closed" and closed["satisfaction"] == "satisfied" and closed["answer"] == "已答复"
    status = api(reviewer).get(url).json()
    assert [s["outcome"] for s in status["steps"]] == [
        "filed", "dispatched", "replied", "rejected", "replied", "accepted", "called_back"]
    assert all(s["overdue"] is False for s in status["steps"])


def test_refusals_keep_their_codes(reviewer, handler_bill, walk):
    complaint = walk(Complaint.Status.DISPATCHED, actor=reviewer, channel="hotline")
    url = f"/api/v1/complaints/{complaint.number}"
    # handler_bill cannot even see a complaint that never was with BILL.
    assert api(handler_bill).post(f"{url}/reply", {"reply": "x"}, format="json").status_code == 404
    closed = walk(Complaint.Status.CLOSED, actor=reviewer, channel="hotline")
    response = api(reviewer).post(f"/api/v1/complaints/{closed.number}/dispatch", {"department": "NET"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "complaint_state"


def test_a_reply_from_a_department_that_no_longer_holds_it_is_403(walk, handler, reviewer, net_th):
    complaint = walk(Complaint.Status.DISPATCHED)
    url = f"/api/v1/complaints/{complaint.number}"
    assert api(handler).post(f"{url}/pass-down", {"unit": "NET-TH"}, format="json").status_code == 200
    response = api(handler).post(f"{url}/reply", {"reply": "x"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "not_your_department"


def test_a_rep_may_file_and_read_but_not_dispatch(rep, walk):
    complaint = walk(Complaint.Status.TO_REVIEW)
    client = api(rep)
    assert client.get(f"/api/v1/complaints/{complaint.number}").status_code == 200
    assert client.post(f"/api/v1/complaints/{complaint.number}/dispatch", {"department": "NET"},
                       format="json").status_code == 403
    listing = client.get("/api/v1/complaints", {"status": "to_review"}).json()
    assert listing["count"] == 1 and listing["results"][0]["number"] == complaint.number


def test_a_step_with_an_idempotency_key_replays_its_first_answer(walk, handler):
    complaint = walk(Complaint.Status.DISPATCHED)
    url = f"/api/v1/complaints/{complaint.number}/reply"
    first = api(handler).post(url, {"reply": "已处理"}, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    again = api(handler).post(url, {"reply": "已处理"}, format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert AuditEvent.objects.filter(action="complaint.reply").count() == 1
    without_key = api(handler).post(url, {"reply": "已处理"}, format="json")
    assert without_key.status_code == 409 and without_key.json()["code"] == "complaint_state"


def test_the_knowledge_base_search_api(rep, manager):
    article_create(actor=manager, title="国际漫游资费", kind="technical", category=ArticleCategoryFactory(),
                   body="港澳台漫游每分钟0.99元")
    results = api(rep).get("/api/v1/kb/articles", {"q": "每分钟"}).json()["results"]
    assert [a["title"] for a in results] == ["国际漫游资费"]


def test_a_nul_in_the_search_words_or_an_intake_is_a_400_and_files_nothing(rep, reviewer, body):
    # Found by the Schemathesis fuzz on PostgreSQL: `q=\x00` reached the trigram search and was a 500.
    search = api(rep).get("/api/v1/kb/articles", {"q": "\x00"})
    intake = api(reviewer).post("/api/v1/complaints", {**body, "description": "信号\x00差"}, format="json",
                                HTTP_IDEMPOTENCY_KEY="nul-1")
    assert search.status_code == intake.status_code == 400
    assert search.json()["code"] == intake.json()["code"] == "malformed_request"
    assert not Complaint.objects.exists()

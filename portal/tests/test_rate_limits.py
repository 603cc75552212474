"""Rate limits (ASVS level 2, issue 17): SMS codes per number (the resend wait, a cap per hour), calls per
customer on the portal API, chat messages and complaints per customer per hour. Each refused with the Chinese
message naming the time, and nothing written or sent."""

import re
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from complaints.models import Complaint
from notifications.models import SmsMessage
from portal.models import ChatMessage, SignInCode
from portal.tests.conftest import PASSWORD, sign_in, sms_code
from portal.tests.test_api import _as_customer, _token

SIGNIN = "/portal/signin/"
TIME = r"\d\d:\d\d"


def _start(msisdn, client=None):
    return (client or Client()).post(SIGNIN, {"msisdn": msisdn, "password": PASSWORD})


def test_a_right_password_again_within_the_wait_sends_no_new_code(mine):
    assert _start(mine.msisdn).status_code == 302
    again = _start(mine.msisdn)
    page = again.content.decode()
    assert again.status_code == 429
    assert re.search(TIME + r":\d\d 后才能再次发送验证码", page), page[:3000]
    assert SmsMessage.objects.filter(template="portal.signin_code").count() == 1
    assert SignInCode.objects.count() == 1
    api = APIClient().post("/api/v1/portal/signin", {"msisdn": mine.msisdn, "password": PASSWORD}, format="json")
    assert api.status_code == 429 and api.json()["code"] == "portal_code_resend_too_soon"
    assert "后才能再次发送验证码" in api.json()["message"]
    assert SmsMessage.objects.filter(template="portal.signin_code").count() == 1


def test_sms_codes_per_number_per_hour_are_capped(mine, set_tariff):
    set_tariff("portal.code_resend_seconds", "0")
    set_tariff("portal.codes_per_hour", "3")
    client = Client()
    for _ in range(3):
        assert _start(mine.msisdn, client).status_code == 302
    first = SignInCode.objects.order_by("pk").first()
    refused = _start(mine.msisdn)
    assert refused.status_code == 429
    expected = timezone.localtime(first.created_at + timedelta(hours=1))
    assert f"该号码一小时内发送的验证码已达上限，{expected:%H:%M} 后才能再次发送。" in refused.content.decode()
    resend = client.post("/portal/signin/code/resend/")     # "send a new code" is capped too
    assert resend.status_code == 429 and "验证码已达上限" in resend.content.decode()
    assert SignInCode.objects.count() == SmsMessage.objects.filter(template="portal.signin_code").count() == 3
    # The refused resend retired nothing: the newest code still signs in.
    assert client.post("/portal/signin/code/", {"code": sms_code(mine.msisdn)}).status_code == 302
    # An hour on, the number may have codes again.
    SignInCode.objects.update(created_at=timezone.now() - timedelta(hours=1, seconds=1))
    assert _start(mine.msisdn).status_code == 302


def test_the_customer_api_is_throttled_per_customer(mine, theirs, set_tariff):
    set_tariff("portal.api_calls_per_minute", "3")
    api = _as_customer(_token(mine))
    second_token = _as_customer(_token(mine))     # the customer's other token shares the count
    assert api.get("/api/v1/portal/lines").status_code == 200
    assert api.get("/api/v1/portal/lines").status_code == 200
    assert second_token.get("/api/v1/portal/lines").status_code == 200
    refused = api.get("/api/v1/portal/lines")
    assert refused.status_code == 429 and refused.json()["code"] == "throttled" and refused["Retry-After"]
    assert second_token.get("/api/v1/portal/lines").status_code == 429
    assert _as_customer(_token(theirs)).get("/api/v1/portal/lines").status_code == 200   # another customer


def test_chat_messages_per_customer_per_hour_are_capped(client, mine, set_tariff):
    set_tariff("portal.chat_messages_per_hour", "2")
    sign_in(client, mine)
    assert client.post(reverse("portal:chat"), {"text": "第一条"}).status_code == 302
    assert client.post(reverse("portal:chat"), {"text": "第二条"}).status_code == 302
    refused = client.post(reverse("portal:chat"), {"text": "第三条"})
    page = refused.content.decode()
    assert refused.status_code == 429
    assert re.search(f"一小时内发送的消息已达上限，{TIME} 后才能继续发送。如有急事，请拨打客服热线。", page)
    assert ChatMessage.objects.count() == 2 and "第三条" not in str(list(ChatMessage.objects.values("text")))
    ChatMessage.objects.update(created_at=timezone.now() - timedelta(hours=1, seconds=1))
    assert client.post(reverse("portal:chat"), {"text": "一小时后"}).status_code == 302


def _category():
    from boss.models import Department
    from complaints.tests.factories import ComplaintCategoryFactory, department

    department("CS", Department.Kind.CUSTOMER_SERVICE, name="客服中心")
    return ComplaintCategoryFactory(code="NET-SIGNAL", name="网络信号差")


def test_complaints_per_customer_per_hour_are_capped_on_the_web_and_the_api(client, mine, set_tariff):
    set_tariff("portal.complaints_per_hour", "1")
    category = _category()
    sign_in(client, mine)
    url = reverse("portal:complaint_new")
    data = {"category": category.pk, "description": "家里信号很差", "idempotency_key": "k1"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302           # the same form again: its answer, not a refusal
    refused = client.post(url, {**data, "idempotency_key": "k2", "description": "又一次"})
    assert refused.status_code == 429
    assert re.search(f"一小时内提交的投诉与建议已达上限，请于 {TIME} 后再提交，或拨打客服热线。",
                     refused.content.decode())
    api = _as_customer(_token(mine)).post("/api/v1/portal/complaints",
                                          {"line": mine.pk, "category": category.pk, "description": "再一次"},
                                          format="json", HTTP_IDEMPOTENCY_KEY="k3")
    assert api.status_code == 429 and api.json()["code"] == "portal_rate_limited"
    assert "投诉与建议已达上限" in api.json()["message"]
    assert Complaint.objects.count() == 1

"""The customers' chat with customer service: the customer writes, the staff queue receives it, the answer
appears on the customer's page by polling; the staff side is a staff screen (permission), the customer side
only ever shows the signed-in customer's own chat."""

from django.test import Client
from django.urls import reverse

from boss.models import AuditEvent
from portal.models import ChatMessage
from portal.tests.conftest import sign_in


def test_customer_writes_staff_answers_customer_sees_it(client, mine, theirs, make_staff,
                                                        django_assert_max_num_queries):
    sign_in(client, mine)
    assert client.post(reverse("portal:chat"), {"text": "我的流量怎么用得这么快？"}).status_code == 302
    other = sign_in(Client(), theirs)
    other.post(reverse("portal:chat"), {"text": "别人的问题"})
    desk = Client()
    desk.force_login(make_staff("complaint_reviewer", username="cs1"))
    queue = desk.get(reverse("portal:desk_chats"))
    assert queue.status_code == 200 and len(queue.context["waiting"]) == 2
    url = reverse("portal:desk_chat", args=[mine.customer_id])
    assert "我的流量" in desk.get(url).content.decode()
    assert desk.post(url, {"text": "您好，本月已用 3.2GB。"}).status_code == 302
    assert len(desk.get(reverse("portal:desk_chats")).context["waiting"]) == 1   # answered: off the queue
    with django_assert_max_num_queries(6):
        poll = client.get(reverse("portal:chat_messages")).content.decode()
    assert "本月已用" in poll and "别人的问题" not in poll
    assert "别人的问题" not in client.get(reverse("portal:chat")).content.decode()
    assert AuditEvent.objects.filter(action="portal.chat_message").count() == 2
    assert AuditEvent.objects.get(action="portal.chat_answer").actor.username == "cs1"


def test_empty_message_is_refused(client, mine):
    sign_in(client, mine)
    response = client.post(reverse("portal:chat"), {"text": "   "})
    assert response.status_code == 400 and not ChatMessage.objects.exists()


def test_the_queue_is_for_staff_with_the_permission_only(client, mine, rep):
    sign_in(client, mine)
    assert client.get(reverse("portal:desk_chats")).status_code == 302          # a customer is not staff
    assert "/login/" in client.get(reverse("portal:desk_chats"))["Location"]
    staff = Client()
    staff.force_login(rep)
    assert staff.get(reverse("portal:desk_chats")).status_code == 403
    assert staff.post(reverse("portal:desk_chat", args=[mine.customer_id]), {"text": "x"}).status_code == 403
    assert not ChatMessage.objects.exists()

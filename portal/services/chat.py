"""The customers' chat with customer service (在线客服, issue 17): a customer writes on the portal, staff with
`portal.answer_chat` answer from the chat queue; both pages poll for new messages (htmx), no reload.
Each message is audited (who, which customer; never the text)."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from boss.audit import audit_record
from boss.errors import InvalidInputError
from boss.locks import lock
from boss.models import Staff
from boss.tariffs import tariff
from customers.models import Customer, Line
from portal.models import ChatMessage
from portal.services.channel import web_actor
from portal.services.limits import hourly_cap_check

MAX_LENGTH = 1000


def _text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInputError(_("Write a message first."), field="text")
    if len(text) > MAX_LENGTH:
        raise InvalidInputError(_("A message has at most %(n)s characters.") % {"n": MAX_LENGTH}, field="text")
    return text


@transaction.atomic
def chat_customer_send(*, customer: Customer, line: Line | None, text: str) -> ChatMessage:
    """The customer writes to customer service. Raises InvalidInputError (empty or too long),
    PortalRateLimitedError (`portal.chat_messages_per_hour` used up: the time the next may be sent)."""
    text = _text(text)
    now = timezone.now()
    lock(Customer.objects.filter(pk=customer.pk)).values_list("pk", flat=True).first()   # one at a time
    hourly_cap_check(
        times=list(ChatMessage.objects.filter(customer=customer, sender=ChatMessage.Sender.CUSTOMER,
                                              created_at__gt=now - timedelta(hours=1))
                   .values_list("created_at", flat=True)),
        cap=tariff("portal.chat_messages_per_hour"), now=now,
        message=_("Too many messages within the hour: the next can be sent at %(time)s. For something urgent, "
                  "call customer service."))
    message = ChatMessage.objects.create(customer=customer, line=line, sender=ChatMessage.Sender.CUSTOMER,
                                         text=text)
    audit_record(actor=web_actor(hall=line.hall if line else None), action="portal.chat_message", target=customer,
                 after={"message": message.pk})
    return message


@transaction.atomic
def chat_staff_answer(*, actor: Staff, customer: Customer, text: str) -> ChatMessage:
    """A customer-service answer to the customer's chat. Raises NotPermitted, InvalidInputError."""
    from boss.errors import NotPermitted

    if not actor.has_perm("portal.answer_chat"):
        raise NotPermitted()
    message = ChatMessage.objects.create(customer=customer, sender=ChatMessage.Sender.STAFF, staff=actor,
                                         text=_text(text))
    audit_record(actor=actor, action="portal.chat_answer", target=customer, after={"message": message.pk})
    return message


def chat_messages(*, customer: Customer, after: int = 0, limit: int = 100) -> list[ChatMessage]:
    """The customer's chat, oldest first (the newest `limit`), or only the messages after id `after`."""
    qs = ChatMessage.objects.filter(customer=customer)
    if after:
        return list(qs.filter(pk__gt=after).order_by("pk")[:limit])
    return list(reversed(qs.order_by("-pk")[:limit]))


def chat_queue() -> QuerySet:
    """Customers whose newest chat message is theirs (waiting for an answer), longest waiting first."""
    newest = ChatMessage.objects.filter(customer=OuterRef("customer")).order_by("-pk")
    return (ChatMessage.objects.annotate(newest_sender=Subquery(newest.values("sender")[:1]))
            .filter(newest_sender=ChatMessage.Sender.CUSTOMER)
            .values("customer", "customer__name").annotate(last=Max("pk"), since=Max("created_at"))
            .filter(Q(last__isnull=False)).order_by("since"))

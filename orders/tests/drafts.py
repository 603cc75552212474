"""Test helper for the processes on a line, which are entered as a draft and committed on the draft's screen
after the agreement is signed (issue 16)."""

import re

from django.urls import reverse

from orders.models import Order


def draft_of(response) -> Order:
    """The draft an entry form's answer redirects to."""
    assert response.status_code == 302 and "/sign/" in response.url, getattr(response, "content", b"")[:2000]
    order = Order.objects.get(pk=int(response.url.rstrip("/").split("/")[-2]))
    assert response.url == reverse("orders:line_draft", args=[order.pk])
    return order


def sign_and_commit(client, response, **data):
    """Follow an entry form's answer to its draft's screen and commit it with the signed box (and `data`)."""
    order = draft_of(response)
    url = reverse("orders:line_draft", args=[order.pk])
    key = re.search(r'name="idempotency_key" value="([^"]+)"', client.get(url).content.decode()).group(1)
    return client.post(url, {"idempotency_key": key, "agreement_signed": "on", **data})

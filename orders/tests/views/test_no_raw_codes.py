"""Issue 11 item 7: the screens and documents of a counter day (home, fee collection, payment, order, line,
drawer, agreement) show labels, never the codes stored behind them (payment methods, SIM capacities, the
plan's code, audit actions)."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from billing.models import Payment, PaymentMethod
from boss.models import AuditEvent
from catalog.models import SimCapacity
from orders.models import Order
from orders.views.open_account import open_account_agreement_context

pytestmark = pytest.mark.django_db


def _visible(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _codes() -> set[str]:
    codes = set(PaymentMethod.values) | set(SimCapacity.values) | {"5G128"}
    return codes | set(AuditEvent.objects.values_list("action", flat=True))


def test_no_raw_code_on_the_counter_screens_and_the_agreement(client, live):
    client.force_login(live.rep)
    msisdn = live.line.msisdn
    url = reverse("orders:fee_collection") + f"?msisdn={msisdn}"
    page = client.get(url).content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    client.post(url, {"method": "cash", "amount": "20.00", "tendered": "50", "idempotency_key": key})
    payment = Payment.objects.filter(line=live.line).latest("pk")
    order = Order.objects.filter(kind="open_account").latest("pk")
    pages = {name: client.get(path).content.decode() for name, path in {
        "home": reverse("home"), "fee collection": url,
        "payment": reverse("orders:payment_result", args=[payment.pk]),
        "order": reverse("orders:order_detail", args=[order.pk]),
        "line": reverse("orders:line_detail", args=[msisdn]),
        "drawer": reverse("billing:my_drawer"),
    }.items()}
    with translation.override("zh-hans"):
        pages["agreement"] = render_to_string("orders/pdf/agreement.html", open_account_agreement_context(order))
    codes = _codes()
    found = {name: sorted(c for c in codes if re.search(rf"(?<![\w.]){re.escape(c)}(?![\w.])", _visible(html)))
             for name, html in pages.items()}
    assert not any(found.values()), found

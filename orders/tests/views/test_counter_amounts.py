"""Issue 11 item 8: the amounts a rep reads. Fee collection prefills only what the balance does not cover,
and a screen where nothing is to be paid shows no cash block (tendered, change)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import LedgerTransaction
from billing.selectors import account_amount_due, account_money, current_charges
from billing.services.payments import payment_collect
from customers.models import Line
from orders.tests.drafts import sign_and_commit
from provisioning.services import work_orders_run

pytestmark = pytest.mark.django_db


def _prefilled(html: str) -> str:
    tag = re.search(r'<input[^>]*name="amount"[^>]*>', html).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return value.group(1) if value else ""


def test_fee_collection_prefills_only_what_the_balance_does_not_cover(client, live):
    account = live.line.account
    account.realtime_prepaid = False       # this month's charges are not posted yet: the balance covers them
    account.save(update_fields=["realtime_prepaid"])
    payment_collect(actor=live.rep, account=account, amount=Decimal("500.00"), method="cash")
    assert sum(current_charges(account).values()) > 0 and account_money(account).balance > 0
    client.force_login(live.rep)
    html = client.get(reverse("orders:fee_collection") + f"?msisdn={live.line.msisdn}").content.decode()
    assert account_amount_due(account) == [] and _prefilled(html) == ""
    assert 'data-testid="arrears">¥0.00<' in html


def test_a_screen_with_nothing_to_pay_shows_no_cash_block(client, live):
    from orders.services.precancel import RetentionInput, line_precancel

    line_precancel(actor=live.manager, line=live.line, retention=RetentionInput("moving", "保号", False),
                   documents_checked=["id_original"], agreement_signed=True)
    work_orders_run()
    client.force_login(live.rep)
    url = reverse("orders:line_process", args=[live.line.msisdn, "cancel"])
    html = client.get(url).content.decode()
    assert 'data-testid="amount-due" data-due="0.00"' in html and 'data-testid="refund"' in html
    assert 'data-testid="cash-block"' not in html and 'name="tendered"' not in html
    assert not re.search(r'<input type="radio" name="method"', html)
    tx = LedgerTransaction.objects.count()
    entered = client.post(url, {"idempotency_key": "k-c", "documents_checked": ["id_original"]})
    draft = client.get(entered.url).content.decode()      # the draft's screen: the refund, no money asked
    assert 'data-testid="refund"' in draft and 'name="method"' not in draft and 'name="tendered"' not in draft
    assert LedgerTransaction.objects.count() == tx
    response = sign_and_commit(client, entered)
    assert response.status_code == 302 and LedgerTransaction.objects.count() > tx
    assert Line.objects.get(pk=live.line.pk).status == "cancelled"


def test_the_money_is_asked_on_the_draft_of_a_business_with_a_fee(client, live):
    client.force_login(live.rep)
    url = reverse("orders:line_process", args=[live.line.msisdn, "sim"])
    html = client.get(url).content.decode()
    assert 'data-testid="cash-block"' not in html and 'name="tendered"' not in html   # entered first, paid after
    entered = client.post(url, {"idempotency_key": "k-s", "sim_capacity": "usim", "documents_checked": ["id_original"]})
    draft = client.get(entered.url).content.decode()
    assert re.search(r'<input type="number" step="0.01" min="0" name="tendered"', draft)
    assert 'data-testid="change"' in draft

"""Issue 11 item 1: a money form brought back by Back or a reload carries the key of the payment already
made (sending it again shows the first receipt), and a new payment of the same amount for the same line
within the repeat window asks the rep to confirm, naming the payment just taken."""

import re

import pytest
from django.urls import reverse

from billing.models import Payment
from boss.models import IdempotencyKey
from customers.tests.factories import LineFactory
from orders.tests.drafts import draft_of

pytestmark = pytest.mark.django_db

URL = reverse("orders:fee_collection") + "?msisdn=13800138000"


@pytest.fixture
def counter(client, opening):
    client.force_login(opening.rep)
    LineFactory(msisdn="13800138000", hall=opening.rep.hall)
    return client


def _key(html: str) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)


def _pay(client, key, **extra):
    return client.post(URL, {"method": "cash", "amount": "20.00", "tendered": "20", "idempotency_key": key, **extra})


def test_the_form_after_back_carries_the_first_key_and_replays_the_receipt(counter):
    page = counter.get(URL).content.decode()
    key = _key(page)
    assert 'data-testid="form-submitted"' not in page
    first = _pay(counter, key)
    assert first.status_code == 302
    back = counter.get(URL).content.decode()  # Back or reload: the page is fetched again (never cached)
    assert _key(back) == key and 'data-testid="form-submitted"' in back
    again = _pay(counter, _key(back))
    assert again.status_code == 302 and again.url == first.url  # the first receipt, no second charge
    assert Payment.objects.count() == 1


def test_a_new_payment_of_the_same_amount_asks_to_confirm_naming_the_first(counter):
    key = _key(counter.get(URL).content.decode())
    _pay(counter, key)
    payment = Payment.objects.get()
    renewed = counter.get(URL + "&new_form=1")
    assert renewed.status_code == 302 and "new_form" not in renewed.url  # a reload does not renew again
    page = counter.get(renewed.url).content.decode()
    new_key = _key(page)
    assert new_key != key and 'data-testid="form-submitted"' not in page
    asked = _pay(counter, new_key)
    html = asked.content.decode()
    receipt = payment.documents.get().display_number
    assert asked.status_code == 400 and "已收 ¥20.00" in html and receipt in html and 'name="confirm_repeat"' in html
    assert Payment.objects.count() == 1 and not IdempotencyKey.objects.filter(key=new_key).exists()
    other_amount = _pay(counter, new_key, amount="25.00", tendered="25")
    assert other_amount.status_code == 302 and Payment.objects.count() == 2  # another amount is not a repeat


def test_the_rep_confirms_the_second_payment(counter):
    _pay(counter, _key(counter.get(URL).content.decode()))
    counter.get(URL + "&new_form=1")
    confirmed = _pay(counter, _key(counter.get(URL).content.decode()), confirm_repeat="on")
    assert confirmed.status_code == 302 and Payment.objects.count() == 2


def test_after_the_repeat_window_the_form_is_new_and_nothing_is_asked(counter, set_tariff):
    key = _key(counter.get(URL).content.decode())
    _pay(counter, key)
    set_tariff("counter.repeat_minutes", "0")  # the payment is now older than the window
    page = counter.get(URL).content.decode()
    assert _key(page) != key and 'data-testid="form-submitted"' not in page
    assert _pay(counter, _key(page)).status_code == 302 and Payment.objects.count() == 2


def test_a_line_process_money_form_keeps_its_key_across_reloads(counter):
    """The money of a process on a line is taken on its draft's screen, whose key stays across reloads."""
    drafts = []
    for n in (1, 2):
        entered = counter.post(reverse("orders:line_process", args=["13800138000", "sim"]),
                               {"idempotency_key": f"k-sim-{n}", "documents_checked": ["id_original"],
                                "sim_capacity": "usim"})
        drafts.append(reverse("orders:line_draft", args=[draft_of(entered).pk]))
    first = counter.get(drafts[0]).content.decode()
    assert _key(first) == _key(counter.get(drafts[0]).content.decode())
    assert _key(first) != _key(counter.get(drafts[1]).content.decode())


def test_the_form_changed_after_back_is_a_new_payment_and_runs_once(counter):
    key = _key(counter.get(URL).content.decode())
    first = _pay(counter, key)
    changed = _pay(counter, key, amount="30.00", tendered="30")  # Back, another amount: a new payment
    assert changed.status_code == 302 and changed.url != first.url
    again = _pay(counter, key, amount="30.00", tendered="30")    # its double click
    assert again.url == changed.url and Payment.objects.count() == 2

"""The hall's self-service terminal (the portal in kiosk mode, issue 18, 6.10.7): the server signs the customer
out after 90 s without use (the page leaves by itself too: tests/test_e2e_kiosk.py), and the itemised bill
has a print action (a static script: no inline one under the CSP)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from boss.months import month_start
from portal.session import CUSTOMER
from portal.tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_the_kiosk_signs_out_after_90_seconds_without_use(client, mine):
    line_url = reverse("portal:line", args=[mine.pk])
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client.get(reverse("portal:kiosk"))
        sign_in(client, mine)
        assert client.get(line_url).status_code == 200
        traveller.shift(timedelta(seconds=89))           # each page seen starts the 90 s again
        assert client.get(line_url).status_code == 200
        traveller.shift(timedelta(seconds=89))
        assert client.get(line_url).status_code == 200
        traveller.shift(timedelta(seconds=91))
        response = client.get(line_url)   # the session itself ended with the 90 s (its expiry)
        assert response.status_code == 302 and response["Location"].startswith(reverse("portal:signin"))
        assert CUSTOMER not in client.session
        assert client.get(line_url).status_code == 302          # still out


def test_a_kiosk_session_past_its_90_seconds_is_signed_out_even_if_the_store_kept_it(client, mine):
    """The idle check of the session's own clock (portal.session), not only the store's expiry date."""
    from django.contrib.sessions.models import Session

    line_url = reverse("portal:line", args=[mine.pk])
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        client.get(reverse("portal:kiosk"))
        sign_in(client, mine)
        Session.objects.update(expire_date=start + timedelta(days=1))
        traveller.shift(timedelta(seconds=91))
        response = client.get(line_url)
        assert response.status_code == 302 and response["Location"] == reverse("portal:signin") + "?expired=1"
        assert CUSTOMER not in client.session
        page = client.get(response["Location"]).content.decode()
        assert 'data-testid="expired"' in page


def test_the_web_portal_keeps_its_longer_timeout(client, mine):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        sign_in(client, mine)
        traveller.shift(timedelta(seconds=91))
        assert client.get(reverse("portal:line", args=[mine.pk])).status_code == 200


def test_the_kiosk_itemised_bill_has_a_print_action_without_inline_script(client, mine):
    url = reverse("portal:itemised", args=[mine.pk, month_start(timezone.localdate())])
    sign_in(client, mine)
    assert 'data-testid="itemised-print"' not in client.get(url).content.decode()   # a phone has its own
    client.get(reverse("portal:kiosk"))
    sign_in(client, mine)
    page = client.get(url).content.decode()
    assert 'data-testid="itemised-print"' in page and "打印清单" in page
    assert page.count("<script") == len(re.findall(r"<script[^>]*\ssrc=", page))
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", page)

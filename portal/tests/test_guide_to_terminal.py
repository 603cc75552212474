"""The counter's "guide to the terminal" (issue 18, seed 6.10.7): the line screen marks what the hall's
self-service terminal (the portal in kiosk mode) offers too, and only that: the balance, the bills, a recharge
card and the itemised bill; every service registered for the terminal is reachable from the kiosk's line page."""

import pytest
from django.urls import reverse

from boss.selfservice import terminal_processes
from customers.tests.factories import LineFactory
from portal.apps import TERMINAL_SERVICES
from portal.tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_the_line_screen_marks_what_the_terminal_can_do_and_only_that(client, rep):
    line = LineFactory(msisdn="13800138000", hall=rep.hall)
    client.force_login(rep)
    html = client.get(reverse("orders:line_detail", args=[line.msisdn])).content.decode()

    # Loss, plan change, secondary cards: the web portal's, not the terminal's (the kiosk hides them).
    for process in ("report-loss", "unlock", "plan-change", "secondary-add", "sim"):
        assert f'data-testid="terminal-{process}"' not in html
    assert 'data-testid="service-report-loss"' in html and 'data-testid="service-plan-change"' in html
    assert 'data-testid="terminal-itemised-bill"' in html
    assert "自助终端可办" in html and "引导客户到自助终端" in html
    marked = {part.split('"', 1)[0] for part in html.split('data-testid="terminal-')[1:]}
    assert marked and marked <= terminal_processes()


def test_every_service_registered_for_the_terminal_is_on_the_kiosk_line_page(client, mine):
    registered = terminal_processes()
    assert registered == set(TERMINAL_SERVICES) and {"balance", "bills", "itemised-bill", "recharge-card"} <= registered
    client.get(reverse("portal:kiosk"))
    sign_in(client, mine)
    page = client.get(reverse("portal:line", args=[mine.pk])).content.decode()
    assert 'class="portal kiosk"' in page
    for slug in registered:
        assert f'data-testid="{TERMINAL_SERVICES[slug]}"' in page, slug
    # And the bills page leads to the itemised bill, which prints.
    bills = client.get(reverse("portal:bills", args=[mine.pk])).content.decode()
    assert 'data-testid="this-month"' in bills

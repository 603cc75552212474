"""The counter's "guide to the terminal" (issue 18, seed 6.10.7): the line screen marks the processes the hall's
self-service terminal (the portal in kiosk mode) offers too, and says what else the customer can do there."""

import pytest
from django.urls import reverse

from customers.tests.factories import LineFactory
from portal.apps import TERMINAL_PROCESSES

pytestmark = pytest.mark.django_db


def test_the_line_screen_marks_what_the_terminal_can_do_and_only_that(client, rep):
    line = LineFactory(msisdn="13800138000", hall=rep.hall)
    client.force_login(rep)
    html = client.get(reverse("orders:line_detail", args=[line.msisdn])).content.decode()

    assert 'data-testid="service-report-loss"' in html and 'data-testid="terminal-report-loss"' in html
    assert 'data-testid="service-plan-change"' in html and 'data-testid="terminal-plan-change"' in html
    assert 'data-testid="service-sim"' in html and 'data-testid="terminal-sim"' not in html  # a new SIM: counter only
    assert "自助终端可办" in html and "引导客户到自助终端" in html
    marked = {part.split('"', 1)[0] for part in html.split('data-testid="terminal-')[1:]}
    assert marked and marked <= set(TERMINAL_PROCESSES)


def test_every_process_the_portal_registers_is_a_counter_process():
    from orders.line_processes import PROCESSES

    assert set(TERMINAL_PROCESSES) <= {p.slug for p in PROCESSES}

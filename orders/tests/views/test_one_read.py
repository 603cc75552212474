"""Issue 11 item 6 (ui.md: one read per page): the banner and the body of a line's or an order's page
agree. The page's reads see one snapshot of the database (PostgreSQL: a provisioning step committed while
the page loads shows on the next load, never half), and the order page's poll brings the banner along."""

import re
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from orders.models import Order
from provisioning.models import WorkOrder


def _order(live):
    return Order.objects.filter(line=live.line, kind="open_account").latest("pk")


@pytest.mark.django_db
def test_the_order_pages_poll_brings_the_banner_along(client, live):
    client.force_login(live.rep)
    html = client.get(reverse("orders:order_detail", args=[_order(live).pk]), HTTP_HX_REQUEST="true").content.decode()
    banner = re.search(r'<section class="banner" id="customer-banner"[^>]*hx-swap-oob="true".*?</section>', html, re.S)
    assert banner, "the poll's answer carries the banner out of band"
    body_state = re.search(r'data-testid="order-line-state">([^<]+)<', html).group(1)
    banner_state = re.search(r'data-status="\w+">([^<]+)</span>', banner.group(0)).group(1)
    assert banner_state == body_state == live.line.get_status_display()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_change_committed_while_the_page_loads_is_not_half_shown(client, live):
    order = _order(live)
    work_order = WorkOrder.objects.filter(reference=order.reference).first()
    client.force_login(live.rep)
    seen = {"order": False, "changed": False}

    def commit_elsewhere():
        try:
            WorkOrder.objects.filter(pk=work_order.pk).update(attempts=99)
        finally:
            connections.close_all()

    def after_the_order_is_read(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not seen["changed"] and 'FROM "orders_order"' in sql:
            seen["changed"] = True          # the network answers between the page's first read and the rest
            thread = threading.Thread(target=commit_elsewhere)
            thread.start()
            thread.join()
        return result

    with connection.execute_wrapper(after_the_order_is_read):
        html = client.get(reverse("orders:order_detail", args=[order.pk])).content.decode()
    assert seen["changed"]
    row = re.search(rf"<td>{work_order.key}</td>.*?</tr>", html, re.S).group(0)
    assert '<td class="num">99</td>' not in row           # the page shows the moment of its first read
    assert WorkOrder.objects.get(pk=work_order.pk).attempts == 99
    html = client.get(reverse("orders:order_detail", args=[order.pk])).content.decode()
    assert '<td class="num">99</td>' in html              # and the next load the change


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_refusal_inside_the_snapshot_keeps_its_audit(client, live, make_staff, other_hall):
    from boss.models import AuditEvent

    client.force_login(make_staff("sales_rep", username="rep_other", hall=other_hall))
    assert client.get(reverse("orders:order_detail", args=[_order(live).pk])).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied").exists()

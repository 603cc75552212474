"""Issue 11 item 9: labels a rep and a customer read. The order's document link names the document it
opens; a pre-cancelled line's retention record says it is pre-cancelled (not gone) and what happens to its
balance; the order's work-order table has its headings; a PDF's labels never break inside a word."""

import re
import subprocess

import pytest
from django.urls import reverse

from conftest import require_os
from orders.models import Order
from orders.services.precancel import RetentionInput, line_precancel
from provisioning.services import work_orders_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def precancelled(live):
    result = line_precancel(actor=live.manager, line=live.line, retention=RetentionInput("moving", "保号", False),
                            documents_checked=["id_original"], agreement_signed=True)
    work_orders_run()
    live.line.refresh_from_db()
    return result.order


def _agreement_link(html: str) -> str:
    return re.search(r'data-testid="order-agreement">([^<]+)</a>', html).group(1)


def test_the_document_link_names_the_document_it_opens(client, live, precancelled):
    client.force_login(live.rep)
    opening = Order.objects.get(line=live.line, kind="open_account")
    page = {o: client.get(reverse("orders:order_detail", args=[o.pk])).content.decode()
            for o in (opening, precancelled)}
    assert _agreement_link(page[opening]) == "客户服务协议"
    assert _agreement_link(page[precancelled]) == "业务受理单"


def test_a_pre_cancelled_lines_retention_record_says_so_and_names_the_balance(client, live, precancelled):
    from billing.selectors import account_money
    from boss.money import format_yuan

    client.force_login(live.manager)
    html = client.get(reverse("orders:line_detail", args=[live.line.msisdn])).content.decode()
    outcome = re.search(r'data-testid="retention-outcome">([^<]+)<', html).group(1)
    assert "已离网" not in html
    assert live.line.get_status_display() in outcome and "正式销户" in outcome
    assert format_yuan(account_money(live.line.account).balance) in outcome


def test_the_orders_work_order_table_has_headings(client, live):
    client.force_login(live.rep)
    order = Order.objects.get(line=live.line, kind="open_account")
    html = client.get(reverse("orders:order_detail", args=[order.pk])).content.decode()
    table = re.search(r'data-testid="order-work-orders">(.*?)</table>', html, re.S).group(1)
    headings = re.findall(r"<th[^>]*>([^<]*)</th>", table)
    assert headings == ["施工单", "操作", "状态", "尝试次数"]


@require_os(binaries=["pdftotext"])
@pytest.mark.needs_os
def test_pdf_labels_do_not_break_inside_a_word(client, live, precancelled, tmp_path):
    customer = live.customer       # a long name squeezes the label columns
    customer.name = customer.identity.name = "阿卜杜热合曼·买买提艾力·艾尔肯江·吐尔逊那依·阿不都克力木"
    customer.save()
    customer.identity.save()
    opening = Order.objects.get(line=live.line, kind="open_account")
    client.force_login(live.rep)
    for order, template in ((opening, "agreement"), (precancelled, "line_agreement")):
        path = tmp_path / "a.pdf"
        path.write_bytes(client.get(reverse("orders:order_agreement", args=[order.pk])).content)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        source = open(f"orders/templates/orders/pdf/{template}.html", encoding="utf-8").read()
        # a label broken over two lines reads whole only once the line breaks are taken out
        shown = [label for label in set(re.findall(r"<th>([^<{]+)</th>", source))
                 if label in re.sub(r"\s+", "", text)]
        assert len(shown) > 3, shown
        assert [label for label in shown if label not in text] == [], template

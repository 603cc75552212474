"""Print and sign before commit (issue 16) in a real browser, with screenshots: a SIM replacement (a fee) is
entered, its draft's screen shows the fee and prints the agreement (免填单) with the order's number, the
commit without the customer-signed box is refused at the box with nothing taken, then the customer signs,
pays in cash and the business is done; a suspension (no fee) is entered and its draft cancelled, leaving
the line as it was."""

import os
import subprocess

import pytest
from playwright.sync_api import expect

from billing.models import Payment
from conftest import e2e
from customers.models import Line
from inventory.models import SimCard
from orders.models import Order
from tests.test_e2e_lifecycle import _documents_and_agreement, _to_line
from tests.test_e2e_open_account import _login

pytestmark = [*e2e, pytest.mark.django_db(transaction=True)]


def _agreement_png(page, shot, name: str) -> str:
    """The agreement PDF the button opens, fetched in the rep's session and drawn as a picture to look at."""
    with page.expect_popup() as popup:
        page.get_by_test_id("agreement-pdf").click()
    url = popup.value.url
    popup.value.close()
    assert url.endswith("agreement.pdf")
    pdf = page.request.get(url)
    assert pdf.headers["content-type"] == "application/pdf"
    folder = os.path.dirname(shot(page, f"{name}-screen"))
    path = os.path.join(folder, f"{name}.pdf")
    with open(path, "wb") as fh:
        fh.write(pdf.body())
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-singlefile", path, path[:-4]], check=False)
    return subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True).stdout


def test_a_sim_replacement_is_printed_signed_then_committed(live_server, page, live, shot):
    in_stock = SimCard.objects.filter(status="in_stock").count()
    _login(page, live_server, live.rep)
    _to_line(page, live.line.msisdn)
    page.get_by_test_id("service-sim").click()
    expect(page.locator(".steps")).to_contain_text("录入业务")
    page.select_option("select[name=sim_capacity]", "usim")
    _documents_and_agreement(page)
    shot(page, "entry")
    page.get_by_test_id("submit").click()

    expect(page.get_by_test_id("draft")).to_be_visible()
    expect(page.get_by_test_id("amount-due")).to_have_text("¥30.00")
    expect(page.locator("input[name=method]:checked")).to_have_count(0)    # nothing chosen for the customer
    draft = Order.objects.get(kind="sim_replacement")
    assert draft.state == "draft" and not Payment.objects.filter(reference=draft.reference).exists()
    assert SimCard.objects.filter(status="in_stock").count() == in_stock
    shot(page, "draft")
    text = _agreement_png(page, shot, "agreement")
    assert draft.number in text and "补换卡费" in text and "叁拾元整" in text

    page.check("input[name=method][value=cash]")
    page.fill("input[name=tendered]", "50")
    expect(page.get_by_test_id("change")).to_have_text("¥20.00")
    page.get_by_test_id("commit").click()                                   # the customer has not signed yet
    expect(page.locator(".field-check.has-error")).to_contain_text("请先打印客户服务协议并请客户签字")
    assert Order.objects.get(pk=draft.pk).state == "draft"
    assert not Payment.objects.filter(reference=draft.reference).exists()
    shot(page, "refused-unsigned")

    page.check("input[name=agreement_signed]")
    page.check("input[name=method][value=cash]")
    page.fill("input[name=tendered]", "50")
    shot(page, "signed")
    page.get_by_test_id("commit").click()
    expect(page.get_by_test_id("order-state")).to_have_text("施工中")
    expect(page.get_by_test_id("document-invoice")).to_be_visible()
    shot(page, "committed")
    order = Order.objects.get(pk=draft.pk)
    assert order.payment.amount == 30 and order.agreement_signed and order.number == draft.number
    page.goto(f"{live_server.url}/orders/{draft.pk}/sign/")               # the draft's screen again: the result
    expect(page.get_by_test_id("order-state")).to_be_visible()


def test_a_suspension_without_a_fee_is_entered_then_abandoned(live_server, page, live, shot):
    _login(page, live_server, live.rep)
    _to_line(page, live.line.msisdn)
    page.get_by_test_id("service-suspension").click()
    _documents_and_agreement(page)
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("amount-due")).to_have_text("¥0.00")
    expect(page.locator("input[name=method]")).to_have_count(0)
    expect(page.get_by_test_id("commit")).to_have_text("提交办理")
    shot(page, "draft-no-fee")
    page.fill("#cancel-reason", "客户改主意")
    page.get_by_test_id("draft-cancel").click()
    expect(page.get_by_test_id("line-services")).to_be_visible()
    shot(page, "draft-cancelled")
    assert Order.objects.get(kind="suspend").state == "cancelled"
    assert Line.objects.get(pk=live.line.pk).status == "active"

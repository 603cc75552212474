"""The line's lifecycle in a real browser (Playwright, Debian's chromium), with screenshots of every step:
pre-cancellation with a retention attempt, formal cancellation with its settlement, transfer of ownership,
SIM replacement."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import e2e
from customers.models import Line
from customers.tests.factories import CustomerFactory, IdentityFactory
from orders.services.precancel import RetentionInput, line_precancel
from provisioning.services import work_orders_run
from tests.test_e2e_open_account import _login

pytestmark = [*e2e, pytest.mark.django_db(transaction=True)]


def _to_line(page, msisdn):
    page.get_by_role("link", name="综合业务").click()
    page.fill("input[name=msisdn]", msisdn)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("line-services")).to_be_visible()


def _documents_and_agreement(page, *docs):
    """The documents checked on the entry form (the agreement is printed and signed on the draft's screen)."""
    for value in docs or ("id_original",):
        page.check(f"input[name=documents_checked][value={value}]")


def _sign_and_commit(page, *, method=None, tendered=None):
    """The draft's screen (issue 16): print the agreement, the customer signs, the money, commit."""
    expect(page.get_by_test_id("draft")).to_be_visible()
    with page.expect_popup() as popup:
        page.get_by_test_id("agreement-pdf").click()
    assert popup.value.url.endswith("agreement.pdf")
    popup.value.close()
    page.check("input[name=agreement_signed]")
    if method:
        page.check(f"input[name=method][value={method}]")
    if tendered is not None:
        page.fill("input[name=tendered]", str(tendered))
    page.get_by_test_id("commit").click()


def test_precancel_with_retention(live_server, page, live, shot):
    _login(page, live_server, live.manager)
    _to_line(page, live.line.msisdn)
    shot(page, "line-screen")
    page.get_by_test_id("service-precancel").click()
    expect(page.get_by_test_id("customer-banner")).to_contain_text(live.line.msisdn)
    # First the customer accepts the retention offer: the line stays as it is.
    page.select_option("select[name=retention_reason]", "price")
    page.fill("input[name=retention_offer]", "5G智享128元八折")
    page.check("input[name=retention_accepted][value='1']")
    _documents_and_agreement(page)
    shot(page, "retention-offer")
    page.get_by_test_id("submit").click()
    _sign_and_commit(page)
    expect(page.locator(".messages, .msg").first).to_contain_text("挽留")
    shot(page, "customer-stays")
    # Then another day the customer insists: an agent is refused for a private customer, then the owner.
    page.get_by_test_id("service-precancel").click()
    page.select_option("select[name=retention_reason]", "moving")
    page.fill("input[name=retention_offer]", "神州行保号套餐 8元")
    page.fill("input[name=other_brands]", "动感地带")
    page.check("input[name=retention_accepted][value='0']")
    page.select_option("select[name=agent_doc_type]", "resident_id")
    page.fill("input[name=agent_number]", "11010519491231002X")
    page.fill("input[name=agent_name]", "王代办")
    _documents_and_agreement(page, "id_original", "agent_id")
    page.get_by_test_id("submit").click()
    expect(page.locator(".has-error, .form-errors").first).to_contain_text("本人")
    shot(page, "agent-refused")
    page.select_option("select[name=agent_doc_type]", "")
    page.fill("input[name=agent_number]", "")
    page.fill("input[name=agent_name]", "")
    page.uncheck("input[name=documents_checked][value=agent_id]")
    page.get_by_test_id("submit").click()
    _sign_and_commit(page)
    expect(page.get_by_test_id("order-state")).to_have_text("施工中")
    with page.expect_popup() as popup:   # a line's business keeps its 业务受理单 (issue 11 item 9)
        page.get_by_role("link", name="业务受理单").click()
    assert popup.value.url.endswith("agreement.pdf")
    popup.value.close()
    work_orders_run()
    expect(page.get_by_test_id("order-state")).to_have_text("已竣工", timeout=10_000)
    expect(page.get_by_test_id("order-line-state")).to_have_text("待销停机")
    shot(page, "precancelled")
    assert Line.objects.get(pk=live.line.pk).status == "pending_cancellation"


def test_formal_cancellation_with_settlement(live_server, page, live, shot):
    line_precancel(actor=live.manager, line=live.line, retention=RetentionInput("moving", "保号", False),
                   documents_checked=["id_original"], agreement_signed=True)
    work_orders_run()
    _login(page, live_server, live.rep)
    _to_line(page, live.line.msisdn)
    expect(page.get_by_test_id("service-precancel")).to_have_count(0)
    page.get_by_test_id("service-cancel").click()
    expect(page.get_by_test_id("refund")).to_have_text("¥100.00")
    expect(page.get_by_test_id("amount-due")).to_have_text("¥0.00")
    shot(page, "settlement-preview")
    _documents_and_agreement(page)
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("refund")).to_have_text("¥100.00")          # said again on the draft's screen
    _sign_and_commit(page)
    expect(page.get_by_test_id("document-receipt-red")).to_be_visible()
    shot(page, "cancelled-with-red-letter-receipt")
    work_orders_run()
    expect(page.get_by_test_id("order-state")).to_have_text("已竣工", timeout=10_000)
    expect(page.get_by_test_id("order-line-state")).to_have_text("已销号")
    shot(page, "cancelled")
    page.get_by_test_id("order-line").click()
    expect(page.get_by_test_id("service-cancel-fee-recovery")).to_be_visible()
    expect(page.get_by_test_id("line-balance")).to_have_text("¥0.00")
    shot(page, "cancelled-line")


def test_transfer_of_ownership(live_server, page, live, shot):
    buyer = CustomerFactory(name="李新主", identity=IdentityFactory(name="李新主",
                                                                 checked_at=timezone.now() - timedelta(minutes=3)))
    _login(page, live_server, live.rep)
    _to_line(page, live.line.msisdn)
    page.get_by_test_id("service-transfer").click()
    expect(page.get_by_test_id("amount-due")).to_have_text("¥200.00")
    page.fill("input[name=new_customer]", str(buyer.pk))
    page.check("input[name=new_documents_checked][value=id_original]")
    page.fill("input[name=service_password]", "582946")
    _documents_and_agreement(page)
    shot(page, "transfer-form")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("amount-due")).to_have_text("¥200.00")
    expect(page.get_by_test_id("draft-entered")).to_contain_text("李新主")     # the new owner by name
    expect(page.get_by_test_id("customer-banner")).not_to_contain_text("李新主")  # not the owner until committed
    page.check("input[name=method][value=cash]")
    page.fill("input[name=tendered]", "300")
    expect(page.get_by_test_id("change")).to_have_text("¥100.00")
    shot(page, "transfer-draft")
    _sign_and_commit(page)
    expect(page.get_by_test_id("order-state")).to_have_text("已竣工")
    expect(page.get_by_test_id("customer-banner")).to_contain_text("李")
    expect(page.get_by_test_id("document-receipt")).to_be_visible()
    shot(page, "transferred")
    assert Line.objects.get(pk=live.line.pk).customer == buyer


def test_sim_replacement(live_server, page, live, shot):
    old = live.line.iccid
    _login(page, live_server, live.rep)
    _to_line(page, live.line.msisdn)
    page.get_by_test_id("service-sim").click()
    page.select_option("select[name=sim_capacity]", "usim")
    _documents_and_agreement(page)
    shot(page, "sim-form")
    page.get_by_test_id("submit").click()
    _sign_and_commit(page, method="cash", tendered=50)
    expect(page.get_by_test_id("order-state")).to_have_text("施工中")
    expect(page.get_by_test_id("document-invoice")).to_be_visible()
    shot(page, "sim-provisioning")
    work_orders_run()
    expect(page.get_by_test_id("order-state")).to_have_text("已竣工", timeout=10_000)
    page.get_by_test_id("order-line").click()
    line = Line.objects.get(pk=live.line.pk)
    assert line.iccid != old
    expect(page.locator("body")).to_contain_text(line.iccid)
    shot(page, "sim-replaced")

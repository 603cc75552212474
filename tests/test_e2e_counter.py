"""Issue 11 in a real browser (Playwright, Debian's chromium): after a fee payment, the browser's Back
brings the form back; pressing 收费 again shows the first receipt and takes nothing; a new payment of the
same amount for the same line asks the rep to confirm, naming the payment just taken."""

import pytest
from playwright.sync_api import expect

from billing.models import Payment
from conftest import e2e
from customers.tests.factories import LineFactory
from tests.test_e2e_open_account import _login

pytestmark = [*e2e, pytest.mark.django_db(transaction=True)]


def _fill(page):
    page.check("input[name=method][value=cash]")
    page.fill("input[name=amount]", "20")
    page.fill("#id_tendered", "20")


def test_back_and_resubmit_after_a_payment_never_charges_twice_unwarned(live_server, page, opening, shot):
    line = LineFactory(msisdn="13800138000", hall=opening.rep.hall)
    _login(page, live_server, opening.rep)
    page.get_by_role("link", name="话费收取").click()
    page.fill("input[name=msisdn]", line.msisdn)
    page.keyboard.press("Enter")
    _fill(page)
    page.fill("#id_tendered", "5")
    expect(page.get_by_test_id("change")).to_have_text("还差 ¥15.00")  # the shortfall, not ¥0.00
    page.fill("#id_tendered", "20")
    page.get_by_test_id("collect").click()
    expect(page.get_by_test_id("paid")).to_have_text("¥20.00")
    receipt_url = page.url
    shot(page, "paid")

    page.go_back()  # the form again, as the browser brings it back
    expect(page.get_by_test_id("form-submitted")).to_be_visible()
    shot(page, "form-after-back")
    _fill(page)
    page.get_by_test_id("collect").click()
    expect(page.get_by_test_id("paid")).to_have_text("¥20.00")
    assert page.url == receipt_url and Payment.objects.filter(line=line).count() == 1  # the first receipt

    page.go_back()
    page.get_by_test_id("new-form").click()  # a new payment of the same amount: the rep is asked
    expect(page.get_by_test_id("form-submitted")).to_have_count(0)
    _fill(page)
    page.get_by_test_id("collect").click()
    first = Payment.objects.get(line=line)
    question = page.locator(".has-error")
    expect(question).to_contain_text("已收 ¥20.00")
    expect(question).to_contain_text(first.documents.get().display_number)
    shot(page, "asked-to-confirm")
    assert Payment.objects.filter(line=line).count() == 1
    page.check("input[name=confirm_repeat]")
    page.get_by_test_id("collect").click()
    expect(page.get_by_test_id("paid")).to_have_text("¥20.00")
    assert page.url != receipt_url and Payment.objects.filter(line=line).count() == 2

"""Plan change (套餐变更) in a real browser, with screenshots: the line screen offers it, nothing is chosen for
the customer, a refusal shows at the field, the change is agreed for the first of next month with its
agreement, the line screen shows it pending and offers its cancellation."""

from datetime import date

import pytest
from playwright.sync_api import expect

from catalog.tests.factories import PlanFactory
from conftest import e2e
from orders.models import PlanChange
from tests.test_e2e_lifecycle import _documents_and_agreement, _sign_and_commit, _to_line
from tests.test_e2e_open_account import _login

pytestmark = [*e2e, pytest.mark.django_db(transaction=True)]


def test_plan_change_for_next_month(live_server, page, live, shot):
    PlanFactory(code="4G68", name="畅享68元", monthly_fee="68.00", valid_from=date(2024, 1, 1))
    _login(page, live_server, live.rep)
    _to_line(page, live.line.msisdn)
    page.get_by_test_id("service-plan-change").click()
    expect(page.get_by_test_id("customer-banner")).to_contain_text(live.line.msisdn)
    assert page.input_value("select[name=plan]") == ""          # nothing chosen for the customer
    shot(page, "plan-change-form")
    page.select_option("select[name=plan]", "4G68")
    page.get_by_test_id("submit").click()                       # no document checked: refused at the field
    expect(page.locator(".has-error, .form-errors").first).to_be_visible()
    assert not PlanChange.objects.exists()
    shot(page, "plan-change-refused")
    _documents_and_agreement(page)
    page.get_by_test_id("submit").click()
    assert not PlanChange.objects.exists()                      # the draft takes nothing
    shot(page, "plan-change-draft")
    _sign_and_commit(page)
    expect(page.get_by_test_id("order-state")).to_have_text("已竣工")
    with page.expect_popup() as popup:
        page.get_by_role("link", name="业务受理单").click()
    assert popup.value.url.endswith("agreement.pdf")
    popup.value.close()
    shot(page, "plan-change-order")
    _to_line(page, live.line.msisdn)
    expect(page.get_by_test_id("plan-change-pending")).to_contain_text("畅享68元")
    expect(page.get_by_test_id("service-plan-change-cancel")).to_be_visible()
    shot(page, "plan-change-pending")
    assert PlanChange.objects.get().state == "pending"

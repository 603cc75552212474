"""Malicious-user tracing in a real browser: last night's suspects on the worklist, a manager opens the
bulk-SMS one, reads its evidence and confirms it with the blacklist; the worklist then has one less to
review and the owner's banner shows the blacklist. Screenshots at every step."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from billing.models import UsageRecord
from conftest import e2e
from customers.tests.factories import LineFactory
from partners.models import Suspect
from partners.services.tracing import tracing_run
from partners.usage_patterns import spam_usage
from tests.test_e2e_complaints import login

pytestmark = [*e2e, pytest.mark.django_db(transaction=True)]


def test_a_manager_confirms_last_nights_spammer(browser, live_server, make_staff, hall, shot):
    day = timezone.localdate() - timedelta(days=1)
    spammer = LineFactory(hall=hall, msisdn="13900001111")
    caller = LineFactory(hall=hall, msisdn="13900002222")
    UsageRecord.objects.bulk_create(spam_usage(spammer, day=day, rule="sms_bulk", count=400)
                                    + spam_usage(caller, day=day, rule="one_ring", count=70))
    tracing_run(day=day)
    manager = make_staff("manager", username="e2e_tracer", hall=None)

    page = login(browser, live_server, manager)

    page.goto(f"{live_server.url}/partners/tracing/")
    table = page.get_by_test_id("suspects")
    expect(table).to_contain_text("13900001111")
    expect(table).to_contain_text("群发短信")
    expect(table).to_contain_text("响一声呼叫")
    shot(page, "worklist")

    page.locator("tr", has_text="13900001111").get_by_role("link", name="审核").click()
    expect(page.get_by_test_id("evidence")).to_contain_text("高峰时段 20:00")
    page.get_by_label("确认").check()
    page.get_by_label("审核意见").fill("群发广告短信，投诉核实")
    page.get_by_label("将机主列入黑名单").check()
    page.get_by_label("报送公安机关").check()
    shot(page, "review")
    page.get_by_role("button", name="保存结论").click()
    page.wait_for_url(f"{live_server.url}/partners/tracing/")
    expect(page.get_by_test_id("suspects")).not_to_contain_text("13900001111")
    shot(page, "worklist-after")

    suspect = Suspect.objects.get(msisdn="13900001111")
    assert (suspect.status, suspect.blacklisted, suspect.reported) == ("confirmed", True, True)
    page.goto(f"{live_server.url}/partners/tracing/{suspect.pk}/")
    expect(page.get_by_test_id("customer-banner")).to_contain_text("黑名单")
    expect(page.get_by_test_id("suspect-status")).to_contain_text("已确认")
    shot(page, "confirmed")

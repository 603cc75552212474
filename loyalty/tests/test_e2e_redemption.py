"""Points redemption in a real browser (Playwright, Debian's chromium), issue 14: a rep redeems a gift for an
individual at the counter; then for an organization, whose request waits live on the counter screen (the time
left counting down) while the big-customer room confirms it from its worklist in another browser; the counter
screen turns to 'confirmed' by itself and the rep hands the gift over. Screenshots of every step."""

import pytest
from django.db.models import Sum
from playwright.sync_api import expect

from billing.models import PointsLot
from conftest import e2e
from inventory.models import GiftStock
from loyalty.models import Redemption
from loyalty.tests.conftest import AGENT_ID
from tests.test_e2e_open_account import _login

pytestmark = [*e2e, pytest.mark.django_db(transaction=True)]


def _find(page, msisdn):
    page.fill("input[name=msisdn]", msisdn)
    page.get_by_role("button", name="查找").click()
    expect(page.get_by_test_id("gifts")).to_be_visible()


def _points(customer) -> int:
    return PointsLot.objects.filter(customer=customer).aggregate(s=Sum("remaining"))["s"]


def test_a_rep_redeems_for_a_person_and_for_an_organization_the_room_confirming(live_server, browser, world,
                                                                                  shot):
    w = world
    counter = browser.new_page()
    _login(counter, live_server, w.rep)
    counter.get_by_role("link", name="积分兑换").first.click()

    # An individual: the owner's ID checked, the receipt signed; the points go at once, oldest lot first.
    _find(counter, w.line.msisdn)
    expect(counter.get_by_test_id("points-balance")).to_have_text("1000")
    expect(counter.locator("[data-testid=gifts] input[type=radio]:checked")).to_have_count(0)  # nothing chosen
    shot(counter, "redeem-person")
    counter.get_by_test_id("redeem").click()   # nothing checked yet: refused at the form, nothing written
    expect(counter.get_by_test_id("gift-error")).to_be_visible()
    assert Redemption.objects.count() == 0
    counter.locator("label.gift", has_text="保温杯").click()
    counter.check("input[name=documents_checked][value=id_original]")
    counter.check("input[name=receipt_signed]")
    counter.get_by_test_id("redeem").click()
    expect(counter.get_by_test_id("redemption-status")).to_have_attribute("data-state", "completed")
    expect(counter.get_by_test_id("receipt")).to_be_visible()
    shot(counter, "person-handed-over")
    assert _points(w.person) == 500 and GiftStock.objects.get(gift=w.mug).quantity == 4

    # The big-customer room has its worklist open in another browser, empty for now.
    room = browser.new_page()
    _login(room, live_server, w.room)
    room.get_by_role("link", name="待确认的积分兑换").first.click()
    expect(room.get_by_test_id("confirm-rows")).not_to_contain_text(w.org.name)

    # An organization: licence with its seal, unit letter, the agent's ID; the request waits for the room.
    counter.get_by_role("link", name="积分兑换").first.click()
    _find(counter, w.org_line.msisdn)
    counter.locator("label.gift", has_text="雨伞").click()
    for document in ("licence", "unit_letter", "agent_id"):
        counter.check(f"input[name=documents_checked][value={document}]")
    counter.select_option("select[name=seal]", "red_oval")
    counter.select_option("select[name=agent_doc_type]", "resident_id")
    counter.fill("input[name=agent_number]", AGENT_ID)
    counter.fill("input[name=agent_name]", "李代办")
    counter.get_by_test_id("redeem").click()
    status = counter.get_by_test_id("redemption-status")
    expect(status).to_have_attribute("data-state", "awaiting_room")
    expect(counter.get_by_test_id("time-left")).to_contain_text("分")
    shot(counter, "organization-waiting-for-the-room")
    redemption = Redemption.objects.get(customer=w.org)
    assert _points(w.org) == 2000    # nothing spent while the room has not answered

    row = room.get_by_test_id(f"confirm-{redemption.pk}")
    expect(row).to_contain_text(w.org.name, timeout=10000)    # the room's worklist showed it by itself
    row.locator("input[name=answer][value=yes]").check()
    row.locator("input[name=note]").fill("王经理可领取")
    room.locator("h1").click()             # the room looks away: the worklist's reload keeps the answer
    room.wait_for_timeout(5500)
    expect(row.locator("input[name=note]")).to_have_value("王经理可领取")
    expect(row.locator("input[name=answer][value=yes]")).to_be_checked()
    shot(room, "room-answers")
    row.get_by_role("button", name="发送答复").click()
    expect(room.get_by_test_id(f"confirm-{redemption.pk}")).to_have_count(0)

    # The counter screen turns by itself (no reload) and the rep hands the gift over against the signature.
    expect(status).to_have_attribute("data-state", "confirmed", timeout=10000)
    expect(status).to_contain_text("王经理可领取")
    shot(counter, "organization-confirmed")
    counter.check("input[name=receipt_signed]")
    counter.get_by_test_id("hand-over").click()
    expect(counter.get_by_test_id("redemption-status")).to_have_attribute("data-state", "completed")
    shot(counter, "organization-handed-over")
    redemption.refresh_from_db()
    assert redemption.state == "completed" and redemption.seal == "red_oval"
    assert _points(w.org) == 1200 and GiftStock.objects.get(gift=w.umbrella).quantity == 0

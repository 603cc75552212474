"""Secondary cards (主副卡) in a real browser, with screenshots: the line screen offers adding one, the number
is typed (nothing chosen for the customer), a refusal shows at the field with nothing written, the card is
added with its agreement, and both lines show it; the primary offers its removal."""

import pytest
from playwright.sync_api import expect

from conftest import e2e
from customers.models import SecondaryCard
from tests.test_e2e_lifecycle import _documents_and_agreement, _sign_and_commit, _to_line
from tests.test_e2e_open_account import _login

pytestmark = [*e2e, pytest.mark.django_db(transaction=True)]


def test_a_secondary_card_is_added_at_the_counter(live_server, page, live, shot):
    live.plan.max_secondary_cards = 1
    live.plan.save(update_fields=["max_secondary_cards"])
    live.open_line("13912358888")
    _login(page, live_server, live.rep)
    _to_line(page, live.line.msisdn)
    page.get_by_test_id("service-secondary-add").click()
    expect(page.get_by_test_id("customer-banner")).to_contain_text(live.line.msisdn)
    assert page.input_value("input[name=secondary]") == ""      # nothing typed for the customer
    page.fill("input[name=secondary]", "13912345670")            # the primary itself: refused at the field
    _documents_and_agreement(page)
    page.get_by_test_id("submit").click()
    expect(page.locator(".has-error").first).to_contain_text("号码不能作为自己的副卡")
    assert not SecondaryCard.objects.exists()
    shot(page, "secondary-card-refused")
    page.fill("input[name=secondary]", "13912358888")
    _documents_and_agreement(page)                               # kept by the refused form; checked again
    page.get_by_test_id("submit").click()
    assert not SecondaryCard.objects.exists()                    # the draft takes nothing (issue 16)
    _sign_and_commit(page)
    expect(page.get_by_test_id("order-state")).to_have_text("已竣工")
    with page.expect_popup() as popup:
        page.get_by_role("link", name="业务受理单").click()
    assert popup.value.url.endswith("agreement.pdf")
    popup.value.close()
    shot(page, "secondary-card-order")
    _to_line(page, live.line.msisdn)
    expect(page.get_by_test_id("secondary-cards")).to_contain_text("13912358888")
    expect(page.get_by_test_id("service-secondary-remove")).to_be_visible()
    shot(page, "secondary-card-on-the-primary")
    assert SecondaryCard.objects.get().secondary.msisdn == "13912358888"

"""The opening's number list in a real browser (issue 11 items 10, 12): taking a number releases the one
held before and the list asks again (a number another rep took meanwhile is refused, disappears from the
list, and the one held stays held); the list is walked with ↑↓ and Enter takes a number."""

import pytest
from playwright.sync_api import expect

from conftest import e2e
from inventory.models import NumberReservation, NumberResource
from inventory.services.numbers import number_reserve
from tests.test_e2e_open_account import _login

pytestmark = [*e2e, pytest.mark.django_db(transaction=True)]


def _held(msisdn: str) -> bool:
    return NumberReservation.objects.filter(number__msisdn=msisdn, state=NumberReservation.State.ACTIVE).exists()


def test_taking_a_number_releases_the_one_held_and_the_list_follows(live_server, page, opening, make_staff, shot):
    _login(page, live_server, opening.rep)
    page.goto(f"{live_server.url}/orders/open-account/{opening.customer.pk}/")
    page.fill("input[name=ending]", "5670")
    choices = page.locator("#number-choices")
    expect(choices).to_contain_text("139 1234 5670")
    choices.locator("tr", has_text="139 1234 5670").get_by_role("button").click()
    expect(page.get_by_test_id("reserved-number")).to_contain_text("13912345670")
    expect(choices).not_to_contain_text("139 1234 5670")          # the list asked again: it is taken
    shot(page, "first-number-held")

    page.fill("input[name=ending]", "")
    page.fill("input[name=ending]", "888")
    expect(choices).to_contain_text("139 1235 8888")
    choices.locator("tr", has_text="139 1235 8888").get_by_role("button").click()
    expect(page.get_by_test_id("reserved-number")).to_contain_text("13912358888")
    assert not _held("13912345670") and _held("13912358888")       # the one held before is free again
    assert NumberResource.objects.get(msisdn="13912345670").status == NumberResource.Status.FREE

    # Another rep takes a number the list still shows: refused, the list drops it, ours stays held.
    page.fill("input[name=ending]", "")
    page.fill("input[name=ending]", "5671")
    expect(choices).to_contain_text("139 1234 5671")
    number_reserve(actor=make_staff("sales_rep", username="rep_b"), msisdn="13912345671")
    choices.locator("tr", has_text="139 1234 5671").get_by_role("button").click()
    expect(page.locator("#reserved .form-errors")).to_be_visible()
    expect(choices).not_to_contain_text("139 1234 5671")
    expect(page.get_by_test_id("reserved-number")).to_contain_text("13912358888")   # still ours, still shown
    expect(page.get_by_test_id("chosen-msisdn")).to_have_value("13912358888")
    shot(page, "conflict-refused-list-refreshed")
    assert _held("13912358888")


def test_the_openings_number_list_is_walked_with_the_arrow_keys(live_server, page, opening, shot):
    _login(page, live_server, opening.rep)
    page.goto(f"{live_server.url}/orders/open-account/{opening.customer.pk}/")
    # One search only: a list from an earlier keystroke that also shows 5671 would be replaced by the last
    # one's after the row had the focus, and Enter would go to a row no longer on the page (a CI flake).
    page.locator("input[name=contains]").fill("1234567")
    choices = page.locator("#number-choices")
    expect(choices).to_contain_text("139 1234 5671")
    expect(page.locator(".htmx-request")).to_have_count(0)
    page.locator("input[name=contains]").press("ArrowDown")
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.closest('tr').innerText")
    assert "139 1234 5671" in focused
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("reserved-number")).to_contain_text("13912345671")
    shot(page, "taken-with-the-keyboard")

"""The beat job that reminds the store manager of drawers still open after closing time."""

from datetime import datetime, time
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.services.day_close import drawer_close
from billing.services.payments import payment_collect
from customers.models import Account
from customers.tests.factories import CustomerFactory
from reports.models import OpenDrawerReminder
from reports.tasks import drawers_open_remind


def _at(hour):
    return datetime.combine(timezone.localdate(), time(hour, 5), tzinfo=timezone.get_current_timezone())


@pytest.mark.django_db
def test_open_drawers_are_reminded_after_closing_time_once(rep, make_staff, client, set_tariff):
    set_tariff("day_close.closing_hour", "19")
    rep2 = make_staff("sales_rep", username="rep_b")
    account = Account.objects.create(customer=CustomerFactory())
    for person in (rep, rep2):
        payment_collect(actor=person, account=account, amount=Decimal("20.00"), method="cash")
    drawer_close(actor=rep2, denominations={"20": 1})
    assert drawers_open_remind(now=_at(18)) == 0 and not OpenDrawerReminder.objects.exists()
    assert drawers_open_remind(now=_at(19)) == 1
    assert drawers_open_remind(now=_at(20)) == 0          # safe to run twice
    assert list(OpenDrawerReminder.objects.values_list("staff__username", flat=True)) == ["rep_a"]
    client.force_login(make_staff("store_manager", username="store"))
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="open-drawer-reminder"' in html and rep.display_name in html

"""The demo history generator: through the services with the clock set back, the ledger balances, the
past days are closed with their deposits, a re-run makes nothing new."""

import pytest
from django.core.management import call_command

from billing.models import DrawerClose, HallDayClose
from billing.selectors import ledger_check_balanced
from orders.models import Order
from reports.history import history_generate


@pytest.mark.django_db(transaction=True)
def test_history_is_made_by_the_services_balances_and_is_idempotent(monkeypatch):
    import inventory.demo
    import orders.demo

    monkeypatch.setattr(inventory.demo, "DEMO_NUMBERS", 3000)
    monkeypatch.setattr(orders.demo, "DEMO_LINES", 4)
    for app in ("boss", "catalog", "customers", "inventory", "orders"):
        __import__(f"{app}.demo").demo.load()
    made = history_generate(months=1, days=3)
    assert made["days"] >= 3 and made["openings"] >= 3 and made["closes"] >= 3
    past = HallDayClose.objects.filter(state="closed")
    assert past.count() == made["days"] * 2          # both self-operated demo halls, every weekday
    assert not DrawerClose.objects.filter(status="pending").exists()
    assert Order.objects.filter(kind="open_account", paid_at__lt=past.latest("day").closed_at).count() >= 3
    assert ledger_check_balanced() == []
    assert history_generate(months=1, days=3)["days"] == 0
    call_command("demo_history", months=1)   # the command: nothing more to do

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


@pytest.mark.django_db(transaction=True)
def test_history_leaves_each_hall_usim_cards_for_the_counter(monkeypatch):
    """The history stops opening lines at a hall when only USIM_KEPT cards are left, so a rep trying the demo
    after it can still open an account with the usual card."""
    import inventory.demo
    import orders.demo
    import reports.history
    from inventory.models import SimCard

    monkeypatch.setattr(inventory.demo, "DEMO_NUMBERS", 3000)
    monkeypatch.setattr(orders.demo, "DEMO_LINES", 4)
    for app in ("boss", "catalog", "customers", "inventory", "orders"):
        __import__(f"{app}.demo").demo.load()
    usim = SimCard.objects.filter(capacity="usim", status="in_stock")
    before = {hall: usim.filter(hall__code=hall).count() for hall in ("GZ-ZS01", "GZ-TH02")}
    kept = min(before.values()) - 1    # room for one opening at the hall with the fewest
    monkeypatch.setattr(reports.history, "USIM_KEPT", kept)
    made = history_generate(months=1, days=3)
    assert made["days"] >= 3 and made["openings"] >= 1
    assert min(usim.filter(hall__code=hall).count() for hall in before) == kept


@pytest.mark.django_db
def test_every_staff_home_notes_the_demo_history_while_it_runs(rep, make_staff, client, monkeypatch):
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    import reports.history
    from reports.models import DemoHistoryRun

    seen = []

    def generate(**kwargs):
        for user in (rep, make_staff("store_manager", username="store")):
            client.force_login(user)
            seen.append(client.get(reverse("home")).content.decode())
        return {"days": 0}

    monkeypatch.setattr(reports.history, "history_generate", generate)
    call_command("demo_history", months=1)
    assert all('data-testid="demo-history-note"' in html and "演示历史数据正在生成…" in html for html in seen)
    assert len(seen) == 2
    assert 'data-testid="demo-history-note"' not in client.get(reverse("home")).content.decode()
    assert DemoHistoryRun.objects.get().finished_at is not None
    # a run killed without clearing its row (kill -9) stops showing after a while
    DemoHistoryRun.objects.create(months=6)
    assert 'data-testid="demo-history-note"' in client.get(reverse("home")).content.decode()
    DemoHistoryRun.objects.update(started_at=timezone.now() - reports.history.STALE - timedelta(minutes=1))
    assert 'data-testid="demo-history-note"' not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_a_failed_demo_history_clears_the_note(monkeypatch):
    import reports.history
    from reports.models import DemoHistoryRun

    def generate(**kwargs):
        assert reports.history.demo_history_running()
        raise RuntimeError("stopped")

    monkeypatch.setattr(reports.history, "history_generate", generate)
    with pytest.raises(RuntimeError):
        call_command("demo_history", months=1)
    assert not reports.history.demo_history_running()
    assert DemoHistoryRun.objects.filter(finished_at__isnull=False).count() == 1

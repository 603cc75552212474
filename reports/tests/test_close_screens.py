"""The daily close screens: a rep closes their drawer (a double submit closes once), the store manager
approves a difference, closes the hall's day and prints the day report (read back with pdftotext), a
manager re-opens it; refusals shown at the field, nothing written; the query budget of the screens."""

import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import DrawerClose, HallDayClose, LedgerTransaction
from billing.services.payments import payment_collect
from boss.models import AuditEvent
from conftest import require_os


@pytest.fixture
def store(make_staff):
    return make_staff("store_manager", username="store")


@pytest.fixture
def take(make_account):
    def run(rep, amount, method="cash"):
        return payment_collect(actor=rep, account=make_account(), amount=Decimal(amount), method=method)
    return run


@pytest.fixture
def make_account(db):
    from customers.models import Account
    from customers.tests.factories import CustomerFactory

    def make():
        return Account.objects.create(customer=CustomerFactory())
    return make


def _as(client, user):
    client.force_login(user)
    return client


def test_a_rep_closes_the_drawer_once_even_when_the_form_is_sent_twice(client, rep, take,
                                                                       django_assert_max_num_queries):
    take(rep, "120.00")
    _as(client, rep)
    url = reverse("reports:drawer_close")
    with django_assert_max_num_queries(20):
        page = client.get(url)
    assert page.status_code == 200 and "¥120.00" in page.content.decode()
    key = page.context["form"].initial["idempotency_key"]
    data = {"idempotency_key": key, "d_100": "1", "d_20": "1", "reason": ""}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code in (200, 302)
    assert DrawerClose.objects.filter(staff=rep).count() == 1
    assert 'data-testid="drawer-closed"' in client.get(url).content.decode()


def test_a_difference_without_a_reason_is_refused_at_the_field_and_writes_nothing(client, rep, take):
    take(rep, "120.00")
    _as(client, rep)
    url = reverse("reports:drawer_close")
    key = client.get(url).context["form"].initial["idempotency_key"]
    before = LedgerTransaction.objects.count()
    page = client.post(url, {"idempotency_key": key, "d_100": "1"})
    assert page.status_code == 200
    assert page.context["form"].errors["reason"] == ["请说明清点的现金与帐务不符的原因。"]
    assert (LedgerTransaction.objects.count(), DrawerClose.objects.count()) == (before, 0)


@require_os(binaries=["pdftotext"])
@pytest.mark.needs_os
def test_store_manager_approves_closes_and_prints_the_day(client, rep, store, take, tmp_path,
                                                         django_assert_max_num_queries):
    take(rep, "120.00")
    take(rep, "30.00", method="bank_card")
    _as(client, rep)
    url = reverse("reports:drawer_close")
    key = client.get(url).context["form"].initial["idempotency_key"]
    client.post(url, {"idempotency_key": key, "d_100": "1", "d_10": "1", "reason": "找零多给"})
    close = DrawerClose.objects.get()
    _as(client, store)
    day_url = reverse("reports:hall_day")
    with django_assert_max_num_queries(25):
        page = client.get(day_url)
    assert page.status_code == 200
    today = timezone.localdate().isoformat()
    # Closing while a difference waits is refused, at the top of the form.
    key = page.context["close_form"].initial["idempotency_key"]
    refused = client.post(day_url, {"action": "close", "day": today, "idempotency_key": key,
                                    "deposit_amount": "110.00", "deposit_slip": "DS1", "carried_by": "刘洋"})
    assert refused.status_code == 200 and refused.context["close_form"].non_field_errors()
    assert HallDayClose.objects.count() == 0
    client.post(day_url, {"action": "approve", "close": close.pk, "day": today})
    assert DrawerClose.objects.get().status == DrawerClose.Status.CLOSED
    closed = client.post(day_url, {"action": "close", "day": today, "idempotency_key": key,
                                   "deposit_amount": "110.00", "deposit_slip": "DS1", "carried_by": "刘洋"})
    assert closed.status_code == 302 and HallDayClose.objects.get().deposit_amount == Decimal("110.00")
    with django_assert_max_num_queries(25):
        assert 'data-testid="day-closed"' in client.get(day_url).content.decode()
    pdf = client.post(reverse("reports:day_report_pdf"), {"day": today})
    assert pdf["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action="report.print", actor=store).exists()
    path = tmp_path / "day.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "营业日报" in text and "解款" in text
    assert "110.00" in text and "30.00" in text and "DS1" in text


def test_a_manager_reopens_with_a_reason_and_it_is_audited(client, rep, store, make_staff):
    manager = make_staff("manager", username="boss", hall=None)
    HallDayClose.objects.create(hall=rep.hall, day=timezone.localdate(), cash_total=0, deposit_amount=0,
                                closed_by=store)
    _as(client, manager)
    url = f"{reverse('reports:hall_day')}?hall={rep.hall.pk}"
    today = timezone.localdate().isoformat()
    refused = client.post(url, {"action": "reopen", "day": today, "reason": ""})
    assert refused.status_code == 200 and refused.context["reopen_form"].errors["reason"]
    assert HallDayClose.objects.get().state == HallDayClose.State.CLOSED
    assert client.post(url, {"action": "reopen", "day": today, "reason": "补录缴费"}).status_code == 302
    assert HallDayClose.objects.get().state == HallDayClose.State.REOPENED
    assert AuditEvent.objects.get(action="hall_day.reopen").reason == "补录缴费"


def test_a_store_manager_cannot_reopen_nor_see_another_hall(client, store, other_hall):
    _as(client, store)
    assert client.get(f"{reverse('reports:hall_day')}?hall={other_hall.pk}").status_code == 404
    page = client.get(reverse("reports:hall_day"))
    assert page.context["can_reopen"] is False

"""A rep of hall A asking for hall B's object by URL gets 404, and the failed access is logged."""

import logging
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.services.ledger import credit, debit, ledger_account_cash_drawer, ledger_account_revenue, transaction_post
from boss.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def drawer_b(make_staff, other_hall):
    rep_b = make_staff("sales_rep", username="rep_b", hall=other_hall)
    drawer = ledger_account_cash_drawer(staff=rep_b)
    transaction_post(actor=rep_b, kind="test", postings=[debit(drawer, Decimal("50.00")),
                                                         credit(ledger_account_revenue(fee_type="sim"),
                                                                Decimal("50.00"))])
    return drawer


def test_store_manager_of_hall_a_gets_404_for_hall_b_and_it_is_logged(client, make_staff, drawer_b, caplog):
    manager_a = make_staff("store_manager", username="store_a")
    client.force_login(manager_a)
    with caplog.at_level(logging.WARNING, logger="boss.security"):
        response = client.get(reverse("billing:ledger_account_detail", args=[drawer_b.pk]))
    assert response.status_code == 404
    assert any("access denied" in r.getMessage() for r in caplog.records)
    assert AuditEvent.objects.filter(action="access.denied", actor=manager_a).exists()


def test_rep_sees_only_their_own_drawer(client, rep, drawer_b):
    own = ledger_account_cash_drawer(staff=rep)
    client.force_login(rep)
    assert client.get(reverse("billing:ledger_account_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("billing:ledger_account_detail", args=[drawer_b.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", actor=rep).count() == 1


def test_a_missing_object_is_404_without_an_access_denied_event(client, rep):
    client.force_login(rep)
    assert client.get(reverse("billing:ledger_account_detail", args=[999999])).status_code == 404
    assert not AuditEvent.objects.filter(action="access.denied").exists()


def test_roles_spanning_halls_see_every_hall(client, make_staff, drawer_b):
    clerk = make_staff("account_clerk", username="clerk", hall=None)
    client.force_login(clerk)
    response = client.get(reverse("billing:ledger_account_detail", args=[drawer_b.pk]))
    assert response.status_code == 200 and "¥50.00" in response.content.decode()


def test_lists_are_limited_to_the_hall(client, make_staff, drawer_b):
    manager_a = make_staff("store_manager", username="store_a")
    own = ledger_account_cash_drawer(staff=manager_a)
    client.force_login(manager_a)
    html = client.get(reverse("billing:ledger_account_list")).content.decode()
    assert own.code in html and drawer_b.code not in html

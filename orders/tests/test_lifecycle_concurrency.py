"""Real concurrency on PostgreSQL for the line's lifecycle: one cancellation and one refund however many
counters press at once; the per-identity limit holds for transfers from two halls; a counter and a
network change on one line never both pass."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import LedgerTransaction
from billing.selectors import account_money, ledger_check_balanced
from boss.tests.threads import run_concurrently
from customers.errors import IdentityLineLimitError
from customers.models import Line
from customers.tests.factories import CustomerFactory, IdentityFactory, LineFactory
from orders.errors import LineBusyError, LineStateError
from orders.models import Order
from orders.services import line_services as svc
from orders.services.cancellation import line_cancel
from orders.services.precancel import RetentionInput, line_precancel
from orders.services.transfer import line_transfer
from provisioning.services import work_orders_run

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
DOCS = {"documents_checked": ["id_original"], "agreement_signed": True}


def test_five_clicks_cancelling_one_line_settle_it_once(live):
    line_precancel(actor=live.manager, line=live.line, retention=RetentionInput("moving", "保号", False), **DOCS)
    work_orders_run()
    outcomes, errors = run_concurrently(5, lambda i: line_cancel(actor=live.rep, line=live.line, **DOCS))
    assert len(outcomes) == 1 and len(errors) == 4, errors
    assert {e.code for e in errors} == {"line_already_cancelled"}
    assert LedgerTransaction.objects.filter(kind="settlement.refund").count() == 1
    assert account_money(Line.objects.get(pk=live.line.pk).account).balance == Decimal("0.00")
    assert Order.objects.filter(kind="cancel").count() == 1 and ledger_check_balanced() == []


def test_two_transfers_to_an_owner_with_four_lines_give_them_five_not_six(live):
    buyer = CustomerFactory(identity=IdentityFactory(checked_at=timezone.now() - timedelta(minutes=1)))
    for _ in range(4):
        LineFactory(customer=buyer)
    lines = [live.line, live.open_line("13912345671")]
    outcomes, errors = run_concurrently(2, lambda i: line_transfer(
        actor=live.rep, line=lines[i], new_customer=buyer, service_password="582946",
        documents_checked=["id_original"], new_documents_checked=["id_original"], agreement_signed=True))
    assert len(outcomes) == 1 and len(errors) == 1 and isinstance(errors[0], IdentityLineLimitError), errors
    assert Line.objects.filter(customer=buyer).count() == 5


def test_loss_and_pre_cancellation_at_once_one_of_them_waits_and_is_refused(live):
    def run(i):
        if i == 0:
            return svc.line_report_loss(actor=live.rep, line=live.line, **DOCS)
        return line_precancel(actor=live.manager, line=live.line, retention=RetentionInput("moving", "保号", False),
                              **DOCS)

    outcomes, errors = run_concurrently(2, run)
    assert len(outcomes) == 1 and len(errors) == 1
    assert isinstance(errors[0], LineBusyError | LineStateError), errors

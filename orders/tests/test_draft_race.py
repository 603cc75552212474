"""Real concurrency on PostgreSQL (issue 16): a draft committed from two counters at once (or a double
click past the form's key) is carried out once: one payment, one work order; the other is refused."""

from decimal import Decimal

import pytest

from billing.models import Payment
from boss.tests.threads import run_concurrently
from orders.line_processes import BY_SLUG
from orders.models import Order
from orders.services.drafts import line_process_commit, line_process_draft
from provisioning.models import WorkOrder

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_commits_of_one_draft_carry_it_out_once(live):
    process = BY_SLUG["sim"]

    def run(data):
        return process.run(actor=live.rep, line=live.line, data=data)

    draft = line_process_draft(actor=live.rep, line=live.line, kind=process.kind,
                               data={"documents_checked": ["id_original"], "sim_capacity": "usim"}, run=run)
    outcomes, errors = run_concurrently(3, lambda i: line_process_commit(
        actor=live.rep, order=draft, run=run, agreement_signed=True, method="cash", tendered=Decimal("30.00")))
    assert len(outcomes) == 1 and len(errors) == 2, errors
    assert {e.code for e in errors} <= {"order_state", "line_busy"}
    assert Payment.objects.filter(reference=draft.reference).count() == 1
    assert WorkOrder.objects.filter(reference=draft.reference).count() == 1
    assert Order.objects.get(pk=draft.pk).state == "provisioning"

"""The minimum monthly spend (保底消费) of a premium number as a LineCommitment: started by the opening's
commit and by a number change to a premium number (when the network has changed it), ended when the line
leaves the number (number change, formal cancellation, an opening rolled back), in the order's own
transaction and recorded by the order's audit event; shown on the line screen, the customer 360 page and
the agreement the customer signs."""

import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from boss.models import AuditEvent
from boss.months import month_add, month_end, month_start
from conftest import require_os
from customers.models import Line, LineCommitment
from orders.models import Order
from orders.services import line_services as svc
from orders.services.cancellation import line_cancel
from orders.services.open_account import order_open_account_create, order_open_account_pay
from orders.services.precancel import RetentionInput, line_precancel
from provisioning.models import WorkOrder
from provisioning.services import work_order_rollback, work_orders_run

pytestmark = pytest.mark.django_db
D = Decimal
PREMIUM = "13912358888"       # ends with 8888: 特级靓号, at least 388.00 a month for 36 months
DOCS = {"documents_checked": ["id_original"], "agreement_signed": True}


def _open(w, msisdn):
    w.reserve(msisdn)
    order = order_open_account_create(actor=w.rep, customer=w.customer, msisdn=msisdn, product_code="5G128",
                                      sim_capacity="usim", documents_checked=["id_original"],
                                      service_password="428571")
    assert not LineCommitment.objects.exists()          # the draft commits nothing
    return order_open_account_pay(actor=w.rep, order=order, method="cash", agreement_signed=True)


def _until(months):
    return month_end(month_add(month_start(timezone.localdate()), months))


def test_opening_a_premium_number_records_its_minimum_spend_in_the_commit(opening):
    order = _open(opening, PREMIUM)
    commitment = LineCommitment.objects.get()
    today = timezone.localdate()
    assert (commitment.line_id, commitment.started_by.pk, commitment.msisdn) == (order.line_id, order.pk, PREMIUM)
    assert (commitment.monthly_amount, commitment.agreement_months, commitment.grade_name) == (D("388.00"), 36,
                                                                                               "特级靓号")
    # The opening month is prorated; the 36 months count from the next one.
    assert (commitment.since, commitment.until, commitment.ended_on) == (today, _until(36), None)
    assert commitment.first_month == month_start(today)
    assert commitment.last_month == month_add(month_start(today), 36)
    assert Line.objects.get(pk=order.line_id).premium_agreement_until == _until(36)
    event = AuditEvent.objects.get(action="order.open_account.pay")
    assert event.after["commitment"] == {"id": commitment.pk, "msisdn": PREMIUM, "monthly_amount": "388.00",
                                         "since": today.isoformat(), "until": _until(36).isoformat()}
    assert not AuditEvent.objects.filter(action__contains="commitment").exists()   # no event of its own


def test_an_ordinary_number_has_no_commitment(opening):
    order = _open(opening, "13912345670")
    assert not LineCommitment.objects.exists()
    assert Line.objects.get(pk=order.line_id).premium_agreement_until is None
    assert "commitment" not in AuditEvent.objects.get(action="order.open_account.pay").after


def test_an_opening_rolled_back_ends_its_commitment(opening, make_staff):
    order = _open(opening, PREMIUM)
    wo = WorkOrder.objects.get(reference=order.reference)
    WorkOrder.objects.filter(pk=wo.pk).update(state="failed", attempts=5)
    work_order_rollback(actor=make_staff("store_manager", username="sm"), work_order=wo, reason="HLR故障")
    commitment = LineCommitment.objects.get()
    assert (commitment.ended_on, commitment.end_reason) == (timezone.localdate(), "rolled_back")


def test_a_number_change_to_a_premium_number_starts_one_and_away_from_it_ends_it(live):
    live.reserve(PREMIUM)
    order = svc.line_number_change(actor=live.rep, line=live.line, new_msisdn=PREMIUM, **DOCS)
    assert not LineCommitment.objects.exists()             # the line has the new number once the network has it
    assert order.details["min_monthly_spend"] == "388.00" and order.details["agreement_months"] == 36
    work_orders_run()
    today = timezone.localdate()
    commitment = LineCommitment.objects.get()
    assert (commitment.line_id, commitment.started_by.pk, commitment.msisdn, commitment.monthly_amount) == (
        live.line.pk, order.pk, PREMIUM, D("388.00"))
    assert (commitment.since, commitment.until) == (today, _until(36))
    assert Line.objects.get(pk=live.line.pk).premium_agreement_until == _until(36)
    event = AuditEvent.objects.get(action="line.number_change")
    assert event.after["commitment"]["monthly_amount"] == "388.00" and "commitment_ended" not in event.after

    live.reserve("13912345671")
    away = svc.line_number_change(actor=live.rep, line=live.line, new_msisdn="13912345671", **DOCS)
    work_orders_run()
    commitment.refresh_from_db()
    assert (commitment.ended_on, commitment.end_reason, commitment.ended_by.pk) == (today, "number_change", away.pk)
    assert not LineCommitment.objects.filter(ended_on__isnull=True).exists()
    assert Line.objects.get(pk=live.line.pk).premium_agreement_until is None
    event = AuditEvent.objects.filter(action="line.number_change").latest("pk")
    assert [c["id"] for c in event.after["commitment_ended"]] == [commitment.pk] and "commitment" not in event.after


def test_a_number_change_that_is_rolled_back_starts_nothing(live, make_staff):
    live.reserve(PREMIUM)
    order = svc.line_number_change(actor=live.rep, line=live.line, new_msisdn=PREMIUM, **DOCS)
    wo = WorkOrder.objects.get(reference=order.reference)
    WorkOrder.objects.filter(pk=wo.pk).update(state="failed", attempts=5)
    work_order_rollback(actor=make_staff("store_manager", username="sm"), work_order=wo, reason="HLR故障")
    assert Order.objects.get(pk=order.pk).state == "cancelled" and not LineCommitment.objects.exists()


def test_formal_cancellation_ends_the_commitment(live):
    line = live.open_line(PREMIUM)
    commitment = LineCommitment.objects.get(line=line)
    line_precancel(actor=live.manager, line=line, documents_checked=["id_original"], agreement_signed=True,
                   retention=RetentionInput(reason="moving", offer="保号套餐", accepted=False))
    work_orders_run()
    result = line_cancel(actor=live.rep, line=line, documents_checked=["id_original"], agreement_signed=True)
    commitment.refresh_from_db()
    assert (commitment.ended_on, commitment.end_reason, commitment.ended_by.pk) == (
        timezone.localdate(), "cancelled", result.order.pk)
    event = AuditEvent.objects.get(action="line.cancel")
    assert event.after["commitment_ended"][0]["end_reason"] == "cancelled"


def test_the_database_allows_one_open_commitment_per_line(live):
    from django.db import IntegrityError, transaction

    line = live.open_line(PREMIUM)
    with pytest.raises(IntegrityError), transaction.atomic():
        LineCommitment.objects.create(line=line, msisdn=PREMIUM, monthly_amount=D("88.00"),
                                      since=timezone.localdate())


# --------------------------------------------------------------------------------------------------
# Screens and the agreement
# --------------------------------------------------------------------------------------------------


def test_the_line_screen_and_the_customer_360_show_the_minimum_and_until_when(client, live):
    line = live.open_line(PREMIUM)
    client.force_login(live.rep)
    until = _until(36).strftime("%Y-%m")
    html = client.get(reverse("orders:line_detail", args=[PREMIUM])).content.decode()
    assert "月最低消费" in html and f"每月 ¥388.00，至 {until}" in html
    html = client.get(reverse("orders:line_detail", args=[live.line.msisdn])).content.decode()
    assert 'data-testid="commitment"' not in html                  # an ordinary number
    html = client.get(reverse("customers:detail", args=[line.customer_id])).content.decode()
    assert f"每月 ¥388.00，至 {until}" in html


@require_os(binaries=["pdftotext"])
@pytest.mark.needs_os
def test_the_opening_agreement_states_the_minimum_spend(client, opening, tmp_path):
    opening.reserve(PREMIUM)
    order = order_open_account_create(actor=opening.rep, customer=opening.customer, msisdn=PREMIUM,
                                      product_code="5G128", sim_capacity="usim", documents_checked=["id_original"],
                                      service_password="428571")
    client.force_login(opening.rep)
    path = tmp_path / "a.pdf"
    path.write_bytes(client.get(reverse("orders:order_agreement", args=[order.pk])).content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    text = "".join(text.split())
    assert "靓号协议" in text and "特级靓号" in text and "¥388.00" in text and "保底消费补足" in text
    assert "协议期自入网次月起36个月" in text

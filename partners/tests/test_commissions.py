"""An agent's monthly commission statement: its halls' openings and recharges at the tariff parameters,
screen, PDF and XLSX; another partner's statement is not found."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from billing.services.payments import payment_collect
from boss.models import Hall
from partners.commissions import commission_statement
from partners.services import partner_hall_link

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def agent_world(live, admin_user, agent_partner, set_tariff):
    """The rep's hall is the agent partner's hall: one opening (the live line) and two recharges there."""
    hall = live.rep.hall
    Hall.objects.filter(pk=hall.pk).update(kind=Hall.Kind.PARTNER, group_sms_allowed=False)
    hall.refresh_from_db()
    partner_hall_link(actor=admin_user, partner=agent_partner, hall=hall)
    for amount in ("100.00", "50.00"):
        payment_collect(actor=live.rep, account=live.line.account, amount=D(amount), method="cash",
                        tendered=D(amount), line=live.line)
    set_tariff("partner.commission_per_opening", "25.00")
    set_tariff("partner.commission_recharge_percent", "3")
    return live


def test_the_statement_counts_openings_and_recharges_at_the_partners_halls(agent_world, agent_partner):
    statement = commission_statement(partner=agent_partner, month=timezone.localdate())
    total = statement.totals
    assert (total.openings, total.opening_commission) == (1, D("25.00")) and isinstance(total.openings, int)
    assert (total.recharges, total.recharge_amount, total.recharge_commission) == (2, D("150.00"), D("4.50"))
    assert total.total == D("29.50")
    last = commission_statement(partner=agent_partner, month=timezone.localdate().replace(day=1)
                                - timezone.timedelta(days=1))
    assert last.totals.total == 0


def test_the_agent_sees_prints_and_downloads_only_their_own_statement(agent_world, agent_partner, admin_user,
                                                                      make_staff, client):
    from partners.services import partner_create

    other = partner_create(actor=admin_user, name="京东", category="ecommerce", interface_number="EC-JD-01")
    month = timezone.localdate().strftime("%Y-%m")
    client.force_login(make_staff("store_manager", username="agent_boss", hall=agent_world.rep.hall))
    page = client.get(reverse("partners:statement", args=[agent_partner.pk, month]))
    assert page.status_code == 200 and "¥29.50" in page.content.decode()
    pdf = client.get(reverse("partners:statement_pdf", args=[agent_partner.pk, month]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("partners:statement_xlsx", args=[agent_partner.pk, month]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[3]][2:4] == [1, 25]
    assert client.get(reverse("partners:statement", args=[other.pk, month])).status_code == 404


def _last_month():
    return timezone.localdate().replace(day=1) - timezone.timedelta(days=1)


def test_an_ended_months_statement_keeps_its_rates_when_the_parameters_change(agent_world, agent_partner,
                                                                               set_tariff, admin_user, client):
    """The opening moved into last month: its statement, once read (or the rates recorded on the 1st), stays
    at 25.00 when the parameter changes to 40.00; this month's follows the parameter."""
    from orders.models import Order
    from partners.models import CommissionRates

    Order.objects.filter(line=agent_world.line, kind="open_account").update(
        paid_at=timezone.now().replace(day=1) - timezone.timedelta(days=2))
    last = commission_statement(partner=agent_partner, month=_last_month())
    assert (last.per_opening, last.totals.opening_commission) == (D("25.00"), D("25.00"))
    set_tariff("partner.commission_per_opening", "40.00")
    set_tariff("partner.commission_recharge_percent", "10")
    again = commission_statement(partner=agent_partner, month=_last_month())
    assert (again.per_opening, again.recharge_percent, again.totals.opening_commission) == (
        D("25.00"), D("3"), D("25.00"))
    client.force_login(admin_user)
    page = client.get(f"/partners/{agent_partner.pk}/statement/{_last_month():%Y-%m}/").content.decode()
    assert "25.00" in page and "40.00" not in page
    assert commission_statement(partner=agent_partner, month=timezone.localdate()).per_opening == D("40.00")
    assert CommissionRates.objects.count() == 1


def test_the_monthly_job_records_last_months_rates_before_any_change(agent_world, agent_partner, set_tariff):
    from partners.models import CommissionRates
    from partners.tasks import commission_rates_monthly

    assert commission_rates_monthly()["per_opening"] == "25.00"
    assert commission_rates_monthly()["per_opening"] == "25.00"   # twice: the first record stays
    set_tariff("partner.commission_per_opening", "40.00")
    assert commission_statement(partner=agent_partner, month=_last_month()).per_opening == D("25.00")
    assert commission_rates_monthly()["per_opening"] == "25.00" and CommissionRates.objects.count() == 1

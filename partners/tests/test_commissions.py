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

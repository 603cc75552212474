"""The monthly commission statement of a channel partner (process 13): its agent halls' openings (orders
of the opening paid in the month and not cancelled) and recharges (payments taken at its halls in the
month that are not an order's payment), each paid at the tariff parameters `partner.commission_per_opening`
and `partner.commission_recharge_percent` — for a month that has ended, at the rates recorded for it
(`CommissionRates`), so a later change of the parameters leaves it as it was. The month's commission
disputes are listed under it; the resolved ones' adjustments change what is payable (the counted rows stay
as counted). Reads only, but for recording an ended month's rates once; printed as PDF and XLSX."""

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from billing.models import Payment
from boss.money import CENT, ZERO
from boss.months import period_bounds
from boss.tariffs import tariff
from orders.models import Order
from partners.models import CommissionDispute, CommissionRates, Partner


@dataclass
class StatementRow:
    hall_code: str
    hall_name: str
    openings: int = 0
    opening_commission: Decimal = ZERO
    recharges: int = 0
    recharge_amount: Decimal = ZERO
    recharge_commission: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.opening_commission + self.recharge_commission


@dataclass
class Statement:
    partner: Partner
    month: date
    per_opening: Decimal
    recharge_percent: Decimal
    rows: list[StatementRow] = field(default_factory=list)
    disputes: list[CommissionDispute] = field(default_factory=list)

    @property
    def adjustments(self) -> Decimal:
        """The resolved disputes' adjustments (open ones change nothing yet)."""
        return sum((d.adjustment for d in self.disputes if d.status == CommissionDispute.Status.RESOLVED), ZERO)

    @property
    def open_disputes(self) -> int:
        return sum(1 for d in self.disputes if d.status == CommissionDispute.Status.OPEN)

    @property
    def payable(self) -> Decimal:
        return self.totals.total + self.adjustments

    def _sum(self, name):
        start = 0 if name in ("openings", "recharges") else ZERO
        return sum((getattr(r, name) for r in self.rows), start)

    @property
    def totals(self) -> StatementRow:
        total = StatementRow(hall_code="", hall_name="")
        for name in ("openings", "opening_commission", "recharges", "recharge_amount", "recharge_commission"):
            setattr(total, name, self._sum(name))
        return total


def commission_rates(*, month: date) -> tuple[Decimal, Decimal]:
    """(per opening, recharge percent) of a statement month: today's tariff parameters while the month runs;
    once it has ended, the rates recorded for it, recorded now at today's values if nobody had yet (the beat
    job `commission_rates_monthly` records them on the 1st, before anyone can change them)."""
    month = month.replace(day=1)
    if month >= timezone.localdate().replace(day=1):
        return tariff("partner.commission_per_opening"), tariff("partner.commission_recharge_percent")
    rates, _created = CommissionRates.objects.get_or_create(month=month, defaults={
        "per_opening": tariff("partner.commission_per_opening"),
        "recharge_percent": tariff("partner.commission_recharge_percent")})
    return rates.per_opening, rates.recharge_percent


def commission_statement(*, partner: Partner, month: date) -> Statement:
    """Six queries at most, whatever the number of halls and disputes."""
    month = month.replace(day=1)
    start, end = period_bounds(month)
    per_opening, percent = commission_rates(month=month)
    statement = Statement(partner=partner, month=month,
                          per_opening=per_opening, recharge_percent=percent)
    halls = list(partner.halls.select_related("hall").order_by("hall__code"))
    hall_ids = [link.hall_id for link in halls]
    openings = dict(Order.objects.filter(kind=Order.Kind.OPEN_ACCOUNT, hall_id__in=hall_ids, paid_at__gte=start,
                                         paid_at__lt=end).exclude(state__in=[Order.State.CANCELLED,
                                                                             Order.State.FAILED])
                    .values("hall_id").annotate(n=Count("pk")).values_list("hall_id", "n"))
    recharges = {row["hall_id"]: row for row in (
        Payment.objects.filter(hall_id__in=hall_ids, created_at__gte=start, created_at__lt=end)
        .exclude(pk__in=Order.objects.filter(payment__isnull=False).values("payment_id"))
        .values("hall_id").annotate(n=Count("pk"), amount=Sum("amount")))}
    for link in halls:
        row = StatementRow(hall_code=link.hall.code, hall_name=link.hall.name)
        row.openings = openings.get(link.hall_id, 0)
        row.opening_commission = (per_opening * row.openings).quantize(CENT)
        paid = recharges.get(link.hall_id)
        if paid:
            row.recharges, row.recharge_amount = paid["n"], paid["amount"]
            row.recharge_commission = (paid["amount"] * percent / 100).quantize(CENT)
        statement.rows.append(row)
    statement.disputes = list(CommissionDispute.objects.filter(partner=partner, month=month)
                              .select_related("hall", "raised_by", "resolved_by").order_by("pk"))
    return statement


def statement_xlsx(statement: Statement) -> bytes:
    from openpyxl import Workbook  # imported when a workbook is made: 0.4 s of every process's start

    book = Workbook()
    sheet = book.active
    sheet.title = f"{statement.month:%Y-%m}"
    sheet.append([_("Commission statement"), statement.partner.name, statement.partner.interface_number,
                  f"{statement.month:%Y-%m}"])
    sheet.append([_("code"), _("service hall"), _("openings"), _("opening commission"), _("recharges"),
                  _("recharge amount"), _("recharge commission"), _("total")])
    for row in [*statement.rows, statement.totals]:
        sheet.append([row.hall_code or _("total"), row.hall_name, row.openings, row.opening_commission,
                      row.recharges, row.recharge_amount, row.recharge_commission, row.total])
    for line in sheet.iter_rows(min_row=3, min_col=4, max_col=8):
        for cell in line:
            if cell.column != 5:
                cell.number_format = "0.00"
    if statement.disputes:
        sheet.append([])
        sheet.append([_("Commission disputes"), _("service hall"), _("amount in dispute"), _("what is disputed"),
                      _("status"), _("outcome"), _("commission adjustment"),
                      pgettext("commission dispute", "resolution")])
        for d in statement.disputes:
            sheet.append([f"{statement.month:%Y-%m}", d.hall.name if d.hall else _("whole statement"), d.amount,
                          d.description, d.get_status_display(), d.get_outcome_display(), d.adjustment,
                          d.resolution])
    sheet.append([])
    sheet.append([_("adjustments from disputes"), "", "", "", "", "", "", statement.adjustments])
    sheet.append([_("payable"), "", "", "", "", "", "", statement.payable])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

"""Billing's own tariff parameters (the kernel keeps credit limit, arrears, huge-bill and points ones)."""

from django.utils.translation import gettext_lazy as _

from boss.tariffs import Param

PARAMS = [
    Param("billing.huge_bill_min_months", "3", "int",
          _("Earlier bills needed before a bill can be flagged as huge"), _("months")),
    Param("billing.payment_due_day", "20", "int",
          _("Day of the next month by which a month's bill must be paid (late fees after it)"), _("day")),
    Param("billing.late_fee_cap_ratio", "1", "decimal",
          _("Late fees of a month never exceed this share of the overdue bills (1 = their amount)")),
    # Secondary cards (主副卡): each card costs its primary line the monthly fee of this catalogue add-on
    # (billing/rating_rules.py, "Secondary cards").
    Param("billing.secondary_card_addon", "FAM-FK-10", "code",
          _("Catalogue add-on whose monthly fee each secondary card costs its primary line (its code; empty: free)")),
    Param("billing.bill_run_day", "1", "int", _("Day of the month the bill run of the previous month starts"),
          _("day")),
]

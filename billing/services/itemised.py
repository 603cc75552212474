"""Printing an itemised bill (清单): audited, always in Chinese, identity and other parties masked."""

from datetime import date

from django.db import transaction
from django.utils import translation

from boss.audit import audit_record
from boss.models import Staff
from boss.months import month_start

MAX_PRINTED_RECORDS = 5000   # about 100 pages; a longer month is printed in parts by the hall on request


@transaction.atomic
def itemised_bill_print(*, actor: Staff, line, period: date) -> None:
    """Record that the itemised bill of a line for a month was printed (who, when, which)."""
    audit_record(actor=actor, action="bill.itemised_print", target=line, after={"period": f"{period:%Y-%m}"})


def itemised_bill_pdf(*, line, period: date, mask_other_party: bool = True) -> bytes:
    """The PDF, the other parties masked unless `mask_other_party` is False (the portal follows its tariff
    `portal.mask_other_party`, as its screen does; the counter's print is always masked)."""
    from billing.selectors import itemised_bill
    from boss.pdf import render_pdf

    itemised = itemised_bill(line=line, period=month_start(period))
    records = list(itemised.records[:MAX_PRINTED_RECORDS])
    with translation.override("zh-hans"):
        return render_pdf("billing/pdf/itemised_bill.html", {
            "it": itemised, "records": records, "truncated": len(records) == MAX_PRINTED_RECORDS,
            "mask_other_party": mask_other_party,
        })

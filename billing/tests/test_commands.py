"""The bill run command: runs the month, runs it again with nothing to do, refuses an open month."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from billing.models import Bill

pytestmark = pytest.mark.django_db


def test_bill_run_command_bills_then_finds_nothing_more(make_line, make_account):
    make_line("13800138000", account=make_account(realtime_prepaid=False),
              activated_at=datetime(2024, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai")))
    out = StringIO()
    call_command("bill_run", "--month", "2025-03", stdout=out)
    assert "2025-03: done, 1 bills, total 58.00" in out.getvalue()
    call_command("bill_run", "--month", "2025-03", stdout=StringIO())
    assert Bill.objects.count() == 1


@pytest.mark.parametrize("month", ["2025-13", f"{timezone.localdate():%Y-%m}"])
def test_bill_run_command_refuses_bad_or_open_months(month):
    with pytest.raises(CommandError):
        call_command("bill_run", "--month", month, stdout=StringIO())
    assert not Bill.objects.exists()


def test_demo_data_bills_last_month_of_the_demo_lines_once(make_line, make_account, settings, tmp_path):
    from billing import demo
    from billing.models import BankCollectionItem, BillRun, RefundCase, UsageImport
    from boss.tests.factories import StaffFactory

    settings.MEDIA_ROOT = tmp_path
    StaffFactory(username="account1", role="account_clerk", hall=None)
    for i in range(3):
        make_line(f"1380013800{i}", account=make_account(payment_method="bank", realtime_prepaid=False,
                                                         bank_code="ICBC", bank_account_number=f"62220{i:014d}"))
    make_line("13800138009")                                   # prepaid, charged in real time
    assert demo.load_history() > 0
    assert BillRun.objects.get().status == "done" and Bill.objects.count() == 4
    assert sorted(BankCollectionItem.objects.values_list("status", flat=True)) == ["paid", "paid", "rejected"]
    assert RefundCase.objects.get().status == "requested"
    before = (UsageImport.objects.count(), Bill.objects.count(), BankCollectionItem.objects.count())
    assert demo.load_history() == 0
    assert (UsageImport.objects.count(), Bill.objects.count(), BankCollectionItem.objects.count()) == before

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

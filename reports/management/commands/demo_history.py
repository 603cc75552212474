"""manage.py demo_history [--months 6]: months of demo business behind the demo halls (reports/history.py).
Then the reports' summary tables of those days. Idempotent; run it after `demo_data`, in its own process (it
moves the process's clock). While it runs, every staff home says so (its `DemoHistoryRun` row, closed at the
end, also when stopped: `make run`'s Ctrl-C sends SIGTERM)."""

import signal
import sys
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from boss.months import month_add, month_start


def first_day_of(months: int):
    return month_start(month_add(timezone.localdate(), -months))


class Command(BaseCommand):
    help = "Fill the demo halls with months of history made by the services (openings, payments, closed days, bills)."

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=6)

    def handle(self, *args, months, **options):
        from reports.history import history_generate
        from reports.models import DemoHistoryRun

        started = time.monotonic()
        run = DemoHistoryRun.objects.create(months=months)
        previous = signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))   # so `finally` closes the row
        try:
            counts = history_generate(months=months)
            if counts["days"]:
                from reports.summaries import bill_arrears_build, summaries_build

                counts["summary_rows"] = summaries_build(date_from=first_day_of(months)) + bill_arrears_build()
        finally:
            DemoHistoryRun.objects.filter(pk=run.pk).update(finished_at=timezone.now())
            signal.signal(signal.SIGTERM, previous)
        self.stdout.write(f"demo history: {counts} in {time.monotonic() - started:.1f} s")

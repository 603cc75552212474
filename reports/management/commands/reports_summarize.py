"""manage.py reports_summarize [--from YYYY-MM-DD | --days N]: build (or rebuild) the reports' summary tables
of past days (reports/summaries.py), each day in its own transaction, and the bills, collection and arrears
counts. The nightly beat job does the last
days; this is for a first fill or after a correction of older data."""

from datetime import date

from django.core.management.base import BaseCommand

from reports.summaries import DAYS_BACK, bill_arrears_build, summaries_build


class Command(BaseCommand):
    help = "Build the reports' summary tables of the days before today (the last --days, or every day --from on)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", type=date.fromisoformat, default=None)
        parser.add_argument("--days", type=int, default=DAYS_BACK)

    def handle(self, *args, date_from, days, **options):
        rows = summaries_build(date_from=date_from, days_back=days) + bill_arrears_build()
        self.stdout.write(f"summary rows written: {rows}")

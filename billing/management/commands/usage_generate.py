"""Write a usage file in the import format for existing lines (demo data, benchmarks)."""

from datetime import date

from django.core.management.base import BaseCommand

from billing.usage_generator import usage_csv_lines


class Command(BaseCommand):
    help = "Generate realistic usage records for the live lines, in the usage import CSV format."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--per-line", type=int, default=30)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--out", required=True)

    def handle(self, *args, month, per_line, seed, out, **options):
        from customers.models import Line

        first = date.fromisoformat(f"{month}-01")
        msisdns = list(Line.objects.exclude(status=Line.Status.CANCELLED).order_by("msisdn")
                       .values_list("msisdn", flat=True))
        with open(out, "w", encoding="utf-8") as fh:
            fh.writelines(usage_csv_lines(msisdns=msisdns, month=first, per_line=per_line, seed=seed))
        self.stdout.write(f"{len(msisdns) * per_line} records for {len(msisdns)} lines written to {out}")

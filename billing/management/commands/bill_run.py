"""Run (or resume) the bill run of a month from the shell: `manage.py bill_run --month 2026-10`.

Safe to run twice and to kill: it bills only the lines without a bill, chunk by chunk. Several copies may
run side by side (`--join` makes a copy only work on the pending chunks of a run already started)."""

from django.core.management.base import BaseCommand, CommandError

from billing.forms import MonthField
from billing.models import BillRun
from billing.services.bill_run import bill_run_execute, bill_run_report, bill_run_start
from boss.errors import DomainError
from boss.permissions import system_actor


class Command(BaseCommand):
    help = "Bill a month that has ended (月结): start it, or resume it where it stopped."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--join", action="store_true", help="only help with the pending chunks of a started run")

    def handle(self, *args, month, join, **options):
        from django import forms

        try:
            period = MonthField().clean(month)
        except forms.ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        actor = system_actor()
        try:
            run = BillRun.objects.get(period=period) if join else bill_run_start(actor=actor, period=period)
        except (BillRun.DoesNotExist, DomainError) as exc:
            raise CommandError(str(getattr(exc, "message", exc))) from exc

        def progress(chunk):
            self.stdout.write(f"chunk {chunk.pk}: {chunk.status}, {chunk.bills} bills, {chunk.total}")

        run = bill_run_execute(actor=actor, run=run, progress=progress if options["verbosity"] > 1 else None)
        report = bill_run_report(run)
        self.stdout.write(f"{run.period:%Y-%m}: {run.status}, {report.bills} bills, total {report.total}, "
                          f"{report.huge_bills} huge, {len(report.errors)} errors")
        for error in report.errors[:20]:
            self.stdout.write(f"  {error.get('line') or '-'}: {error['error']}")

"""Load the demo data (idempotent) and print the demo logins: every app's `demo.load(stdout)`, in the
order of INSTALLED_APPS."""

from django.core.management.base import BaseCommand

from boss.demo import logins_table
from boss.registry import app_modules


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, quiet=False, **options):
        for module in app_modules("demo"):
            module.load(stdout=self.stdout)
        if not quiet:
            self.stdout.write(self.style.SUCCESS("Demo data ready."))
            self.stdout.write(logins_table())

"""Load the demo data (idempotent) and print the demo logins: every app's `demo.load(stdout)` in the order
of the layers (settings.PROJECT_APPS), then every app's `demo.load_history(stdout)` in the same order:
history (usage, bills, collections) is built on the lines the processes above opened."""

from django.core.management.base import BaseCommand

from boss.demo import logins_table
from boss.registry import app_modules


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, quiet=False, **options):
        modules = app_modules("demo")
        for module in modules:
            if hasattr(module, "load"):
                module.load(stdout=self.stdout)
        for module in modules:
            if hasattr(module, "load_history"):
                module.load_history(stdout=self.stdout)
        if not quiet:
            self.stdout.write(self.style.SUCCESS("Demo data ready."))
            self.stdout.write(logins_table())

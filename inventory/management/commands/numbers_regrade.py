"""`manage.py numbers_regrade`: grade the free numbers of the pool again by the grade table in force."""

from django.core.management.base import BaseCommand

from boss.permissions import system_actor
from inventory.services.stock import numbers_regrade


class Command(BaseCommand):
    help = "Grade the free numbers of the pool again by the grade table in force (after a rule change)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, batch_size, **options):
        result = numbers_regrade(actor=system_actor(), batch_size=batch_size)
        self.stdout.write(f"checked {result.checked}, changed {result.changed}")

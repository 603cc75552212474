"""Import a usage file from the command line (what the mediation system drops every hour)."""

from django.core.management.base import BaseCommand

from billing.models import UsageImport
from billing.services.usage import usage_import_file
from boss.permissions import system_actor


class Command(BaseCommand):
    help = "Import a usage CSV file (duplicates skipped, malformed lines reported)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        usage_import = UsageImport.objects.create(file_name=path.rsplit("/", 1)[-1], file_path=path,
                                                  uploaded_by=system_actor())
        result = usage_import_file(usage_import=usage_import)
        self.stdout.write(f"lines {result.total_lines}, imported {result.imported}, "
                          f"duplicates {result.duplicates}, malformed {result.error_count}")
        for error in result.errors[:20]:
            self.stdout.write(f"  line {error['line']}: {error['error']}")

"""The reference data of the number pool and the catalog from the first day: segments, grades, rules and fees
(catalog/reference.py and inventory/reference.py; these models lived in orders at this migration).
Idempotent; the admin edits them afterwards."""

from django.db import migrations


def forwards(apps, schema_editor):
    from catalog.reference import catalog_reference_ensure
    from inventory.reference import segments_ensure

    segments_ensure(apps, app_label="orders")
    catalog_reference_ensure(apps, app_label="orders")


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0003_number_search_indexes"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

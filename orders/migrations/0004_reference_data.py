"""China Mobile's segments, the number grades with their pattern rules, and the one-time fees that go
with them (orders/reference.py). Idempotent; the admin edits them afterwards."""

from django.db import migrations


def forward(apps, schema_editor):
    from orders.reference import reference_data_ensure

    reference_data_ensure(apps)


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0003_number_search_indexes"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]

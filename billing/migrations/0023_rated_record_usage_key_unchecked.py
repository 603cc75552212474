"""RatedRecord.usage_record without a database constraint, like its line and plan (0022; see the model)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0022_rated_record_no_key_checks"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ratedrecord",
            name="usage_record",
            field=models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.CASCADE,
                                       primary_key=True, related_name="rating", serialize=False,
                                       to="billing.usagerecord"),
        ),
    ]

"""RatedRecord.line and .plan without a database constraint (see the model: rating alone writes them, in one
statement from the usage records and the catalogue; their checks were 40 % of the rating statement)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0021_bill_adjustment"),
        ("catalog", "0003_plan_max_secondary_cards"),
        ("customers", "0011_secondary_cards"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ratedrecord",
            name="line",
            field=models.ForeignKey(db_constraint=False, db_index=False, related_name="+", to="customers.line",
                                    on_delete=django.db.models.deletion.PROTECT),
        ),
        migrations.AlterField(
            model_name="ratedrecord",
            name="plan",
            field=models.ForeignKey(db_constraint=False, db_index=False, related_name="+", to="catalog.plan",
                                    on_delete=django.db.models.deletion.PROTECT),
        ),
    ]

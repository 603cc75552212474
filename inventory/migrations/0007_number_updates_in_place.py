"""A number's reservation, release and sale update its row in place (PostgreSQL's HOT), not in all ten indexes.

The cool-down job's partial index had a status in its condition, and a column in any index's condition counts as
indexed: every change of a number's status wrote a new entry into each of the table's ten indexes (the trigram
index included) and left ten dead ones. It is now the index of the numbers with a cool-down date, which answers the
job's query as before (`status = 'frozen' AND frozen_until <= now` implies a date). The table keeps a tenth of each
page free, so that the new version of a row fits beside the old one (pages written from now on: VACUUM FULL or
pg_repack rewrites the existing ones, at a quiet hour)."""

from django.db import migrations, models

from boss.db import postgres_only_sql


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0003_plan_max_secondary_cards"),
        ("inventory", "0006_number_segment_ending_index"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="numberresource", name="number_frozen_idx"),
        migrations.AddIndex(
            model_name="numberresource",
            index=models.Index(condition=models.Q(("frozen_until__isnull", False)), fields=["frozen_until"],
                               name="number_frozen_idx"),
        ),
        postgres_only_sql("ALTER TABLE inventory_numberresource SET (fillfactor = 90);",
                          "ALTER TABLE inventory_numberresource RESET (fillfactor);"),
    ]

"""LedgerEntry.account without its own index: ledger_entry_account_idx (account, id) starts with it, so it served
no query and was one more index written on every entry. Only the index is dropped: Django's AlterField would also
drop and re-add the foreign key, which checks every entry of the ledger again under a lock."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0023_rated_record_usage_key_unchecked"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="ledgerentry",
                    name="account",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="entries", to="billing.ledgeraccount"),
                ),
            ],
            database_operations=[
                migrations.RunSQL("DROP INDEX IF EXISTS billing_ledgerentry_account_id_ac8d6a24",
                                  reverse_sql="CREATE INDEX billing_ledgerentry_account_id_ac8d6a24 "
                                              "ON billing_ledgerentry (account_id)"),
            ],
        ),
    ]

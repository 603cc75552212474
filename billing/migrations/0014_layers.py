"""Billing points at the account in customers and the plans in the catalog (state only: the foreign keys
already reference the renamed tables), and lets go of the Account model. A refund case keeps the number of
the complaint that asked for it (the complaint holds the key from complaints/0004 on; billing/0015 drops
the old foreign key once complaints has copied it)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0013_account_table"),
        ("catalog", "0001_initial"),
        ("customers", "0007_account_and_catalog"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='payment',
                    name='account',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='customers.account', verbose_name='account'),
                ),
                migrations.AlterField(
                    model_name='prepaidcharge',
                    name='account',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='customers.account'),
                ),
                migrations.AlterField(
                    model_name='refundcase',
                    name='account',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='refund_cases', to='customers.account', verbose_name='account'),
                ),
                migrations.AlterField(
                    model_name='arrearscase',
                    name='account',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='arrears_cases', to='customers.account', verbose_name='account'),
                ),
                migrations.AlterField(
                    model_name='bankcollectionitem',
                    name='account',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='collection_items', to='customers.account', verbose_name='account'),
                ),
                migrations.AlterField(
                    model_name='ledgeraccount',
                    name='billing_account',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='ledger_accounts', to='customers.account', verbose_name='account'),
                ),
                migrations.AlterField(
                    model_name='bill',
                    name='account',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='bills', to='customers.account', verbose_name='account'),
                ),
                migrations.AlterField(
                    model_name='bill',
                    name='plan',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.plan', verbose_name='plan'),
                ),
                migrations.AlterField(
                    model_name='lineplanperiod',
                    name='plan',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.plan', verbose_name='plan'),
                ),
                migrations.AlterField(
                    model_name='ratedrecord',
                    name='plan',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.plan'),
                ),
                migrations.DeleteModel(
                    name='Account',
                ),
            ],
        ),
        migrations.AddField(
            model_name='refundcase',
            name='complaint_number',
            field=models.CharField(blank=True, db_index=True, max_length=30, verbose_name='complaint number'),
        ),
    ]

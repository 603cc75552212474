"""The account (who pays) joins customers, taken over from billing (its table was renamed by billing/0013),
and the line's plan, features and discounts point at the catalog's models: state only (the foreign keys
already reference the renamed tables)."""

from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models

from boss.db import rows_exist


def _content_types_move(apps, *, old: str, new: str, models: list[str]) -> None:
    """Move the content types (and so the permissions and the groups holding them) with the models."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in models:
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def content_types_forward(apps, schema_editor):
    if not rows_exist(schema_editor, "django_content_type"):  # a new database: made after migrate
        return
    _content_types_move(apps, old="billing", new="customers", models=["account"])


def content_types_backward(apps, schema_editor):
    _content_types_move(apps, old="customers", new="billing", models=["account"])


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0001_initial"),
        ("customers", "0006_minimum_spend"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Account',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                        ('payment_method', models.CharField(choices=[('cash', 'Cash (prepaid)'), ('bank', 'Bank collection')], default='cash', max_length=10, verbose_name='payment method')),
                        ('corporate', models.BooleanField(default=False, verbose_name='corporate account')),
                        ('realtime_prepaid', models.BooleanField(default=True, verbose_name='real-time prepaid')),
                        ('credit_limit', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=16, verbose_name='credit limit')),
                        ('bank_code', models.CharField(blank=True, max_length=20, verbose_name='bank')),
                        ('bank_account_number', models.CharField(blank=True, max_length=40, verbose_name='bank account number')),
                        ('bank_account_holder', models.CharField(blank=True, max_length=100, verbose_name='account holder')),
                        ('bank_confirmed_by', models.CharField(blank=True, max_length=100, verbose_name='confirmed with the bank by')),
                        ('bank_confirmed_at', models.DateTimeField(blank=True, null=True, verbose_name='confirmed with the bank at')),
                        ('bank_holder_identity', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='customers.customeridentity', verbose_name="account holder's identity")),
                        ('customer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='accounts', to='customers.customer', verbose_name='payer')),
                    ],
                    options={
                        'verbose_name': 'account',
                        'verbose_name_plural': 'accounts',
                    },
                ),
                migrations.AlterField(
                    model_name='line',
                    name='account',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='customers.account', verbose_name='account'),
                ),
                migrations.AlterField(
                    model_name='line',
                    name='plan',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='catalog.plan', verbose_name='plan'),
                ),
                migrations.AlterField(
                    model_name='linediscount',
                    name='discount',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='line_discounts', to='catalog.discount', verbose_name='discount'),
                ),
                migrations.AlterField(
                    model_name='linefeature',
                    name='feature',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='line_features', to='catalog.feature', verbose_name='feature'),
                ),
            ],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]

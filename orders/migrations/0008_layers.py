"""Orders lets go of the catalog's and the inventory's models (state only: catalog/0001 and inventory/0001
hold them now), points at them, and holds the keys to the minimum-spend commitments an order started and
ended (they pointed from customers up to orders; customers/0008 drops them after the copy here)."""

import django.db.models.deletion
from django.db import migrations, models

from boss.db import rows_exist


def commitments_forward(apps, schema_editor):
    if not rows_exist(schema_editor, "customers_linecommitment"):
        return
    LineCommitment = apps.get_model("customers", "LineCommitment")
    Order = apps.get_model("orders", "Order")
    for commitment_id, started_by, ended_by in LineCommitment.objects.values_list("pk", "order_id", "ended_by_id"):
        if started_by:
            Order.objects.filter(pk=started_by).update(commitment_started=commitment_id)
        if ended_by:
            Order.objects.filter(pk=ended_by).update(commitment_ended=commitment_id)


def commitments_backward(apps, schema_editor):
    LineCommitment = apps.get_model("customers", "LineCommitment")
    Order = apps.get_model("orders", "Order")
    for order_id, started, ended in Order.objects.values_list("pk", "commitment_started", "commitment_ended"):
        if started:
            LineCommitment.objects.filter(pk=started).update(order=order_id)
        if ended:
            LineCommitment.objects.filter(pk=ended).update(ended_by=order_id)


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0007_catalog_inventory_tables"),
        ("catalog", "0001_initial"),
        ("inventory", "0001_initial"),
        ("customers", "0007_account_and_catalog"),
        ("billing", "0014_layers"),
    ]
    run_before = [
        ("customers", "0008_commitment_order_links"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='discount',
                    name='plan',
                ),
                migrations.DeleteModel(
                    name='Feature',
                ),
                migrations.RemoveField(
                    model_name='handset',
                    name='batch',
                ),
                migrations.RemoveField(
                    model_name='handset',
                    name='hall',
                ),
                migrations.RemoveField(
                    model_name='handset',
                    name='model',
                ),
                migrations.RemoveField(
                    model_name='onetimefee',
                    name='grade',
                ),
                migrations.RemoveField(
                    model_name='numbergraderule',
                    name='grade',
                ),
                migrations.RemoveField(
                    model_name='numberresource',
                    name='grade',
                ),
                migrations.RemoveField(
                    model_name='numberreservation',
                    name='closed_by',
                ),
                migrations.RemoveField(
                    model_name='numberreservation',
                    name='customer',
                ),
                migrations.RemoveField(
                    model_name='numberreservation',
                    name='hall',
                ),
                migrations.RemoveField(
                    model_name='numberreservation',
                    name='number',
                ),
                migrations.RemoveField(
                    model_name='numberreservation',
                    name='reserved_by',
                ),
                migrations.AlterField(
                    model_name='order',
                    name='reservation',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='orders', to='inventory.numberreservation', verbose_name='reservation'),
                ),
                migrations.RemoveField(
                    model_name='numberresource',
                    name='batch',
                ),
                migrations.RemoveField(
                    model_name='numberresource',
                    name='segment',
                ),
                migrations.RemoveField(
                    model_name='offer',
                    name='from_plans',
                ),
                migrations.RemoveField(
                    model_name='offer',
                    name='product',
                ),
                migrations.AlterField(
                    model_name='recommendationoutcome',
                    name='offer',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='outcomes', to='catalog.offer', verbose_name='offer'),
                ),
                migrations.RemoveField(
                    model_name='rechargecard',
                    name='batch',
                ),
                migrations.RemoveField(
                    model_name='rechargecard',
                    name='hall',
                ),
                migrations.RemoveField(
                    model_name='rechargecard',
                    name='redeemed_by',
                ),
                migrations.RemoveField(
                    model_name='simcard',
                    name='batch',
                ),
                migrations.RemoveField(
                    model_name='simcard',
                    name='hall',
                ),
                migrations.RemoveField(
                    model_name='stockimport',
                    name='actor',
                ),
                migrations.RemoveField(
                    model_name='stockimport',
                    name='hall',
                ),
                migrations.DeleteModel(
                    name='Discount',
                ),
                migrations.DeleteModel(
                    name='Handset',
                ),
                migrations.DeleteModel(
                    name='HandsetModel',
                ),
                migrations.DeleteModel(
                    name='OneTimeFee',
                ),
                migrations.DeleteModel(
                    name='NumberGradeRule',
                ),
                migrations.DeleteModel(
                    name='NumberGrade',
                ),
                migrations.DeleteModel(
                    name='NumberReservation',
                ),
                migrations.DeleteModel(
                    name='NumberResource',
                ),
                migrations.DeleteModel(
                    name='NumberSegment',
                ),
                migrations.DeleteModel(
                    name='Plan',
                ),
                migrations.DeleteModel(
                    name='Offer',
                ),
                migrations.DeleteModel(
                    name='RechargeCard',
                ),
                migrations.DeleteModel(
                    name='SimCard',
                ),
                migrations.DeleteModel(
                    name='StockImport',
                ),
            ],
        ),
        migrations.AddField(
            model_name='order',
            name='commitment_ended',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='ended_by', to='customers.linecommitment', verbose_name='minimum spend ended'),
        ),
        migrations.AddField(
            model_name='order',
            name='commitment_started',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='started_by', to='customers.linecommitment', verbose_name='minimum spend started'),
        ),
        migrations.RunPython(commitments_forward, commitments_backward),
    ]

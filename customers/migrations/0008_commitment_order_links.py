"""The minimum-spend commitment no longer points up to the orders that started and ended it: the orders
hold those keys (orders/0008 copied them first)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0007_account_and_catalog"),
    ]

    operations = [
        migrations.RemoveField(
            model_name='linecommitment',
            name='ended_by',
        ),
        migrations.RemoveField(
            model_name='linecommitment',
            name='order',
        ),
    ]

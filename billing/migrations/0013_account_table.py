"""The account (who pays) moves to customers (issue: one-way layers). Step 1: its table takes the customers
app's name; customers/0007 takes the model over in Django's state, billing/0014 lets go of it."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0012_minimum_spend"),
    ]
    run_before = [
        ("customers", "0007_account_and_catalog"),
    ]

    operations = [
        migrations.AlterModelTable(name="account", table="customers_account"),
    ]

"""The catalog and the inventory leave orders (issue: one-way layers). Step 1: their tables take the new
apps' names (data untouched; indexes and constraints follow the tables). catalog/0001 and inventory/0001
then take the models over in Django's state, orders/0008 lets go of them."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0006_lifecycle"),
    ]
    run_before = [
        ("catalog", "0001_initial"),
        ("inventory", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelTable(name="plan", table="catalog_plan"),
        migrations.AlterModelTable(name="feature", table="catalog_feature"),
        migrations.AlterModelTable(name="onetimefee", table="catalog_onetimefee"),
        migrations.AlterModelTable(name="discount", table="catalog_discount"),
        migrations.AlterModelTable(name="offer", table="catalog_offer"),
        migrations.AlterModelTable(name="numbergrade", table="catalog_numbergrade"),
        migrations.AlterModelTable(name="numbergraderule", table="catalog_numbergraderule"),
        migrations.AlterModelTable(name="numbersegment", table="inventory_numbersegment"),
        migrations.AlterModelTable(name="stockimport", table="inventory_stockimport"),
        migrations.AlterModelTable(name="numberresource", table="inventory_numberresource"),
        migrations.AlterModelTable(name="numberreservation", table="inventory_numberreservation"),
        migrations.AlterModelTable(name="simcard", table="inventory_simcard"),
        migrations.AlterModelTable(name="handsetmodel", table="inventory_handsetmodel"),
        migrations.AlterModelTable(name="handset", table="inventory_handset"),
        migrations.AlterModelTable(name="rechargecard", table="inventory_rechargecard"),
    ]

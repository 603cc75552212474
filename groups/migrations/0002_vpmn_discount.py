"""The VPMN discount in the catalog (20% off the monthly fee of each member line). Its business type is a
feature change, so it is never a standing discount of every line (billing applies it per line)."""

import datetime
from decimal import Decimal

from django.db import migrations


def create(apps, schema_editor):
    Discount = apps.get_model("catalog", "Discount")
    Discount.objects.get_or_create(code="VPMN_GROUP", defaults={
        "name": "集团V网成员优惠", "business": "feature_change", "target": "monthly_fee",
        "percent_off": Decimal("20.00"), "active": True, "valid_from": datetime.date(2020, 1, 1)})


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0001_initial"),
        ("catalog", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

"""The refund case's foreign key to the complaint goes: complaints/0004 turned the link around
(Complaint.refund_case) and kept the complaint's number on the case."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0014_layers"),
    ]

    operations = [
        migrations.RemoveField(model_name="refundcase", name="complaint"),
    ]

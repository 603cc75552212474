"""The complaint holds the key to its refund case (it was the other way round, pointing from billing up to
complaints); the case keeps the complaint's number for the hotline. The old text reference goes."""

import django.db.models.deletion
from django.db import migrations, models

from boss.db import rows_exist


def link_forward(apps, schema_editor):
    if not rows_exist(schema_editor, "billing_refundcase"):
        return
    RefundCase = apps.get_model("billing", "RefundCase")
    Complaint = apps.get_model("complaints", "Complaint")
    for case in RefundCase.objects.filter(complaint__isnull=False).select_related("complaint").order_by("pk"):
        RefundCase.objects.filter(pk=case.pk).update(complaint_number=case.complaint.number or "")
        Complaint.objects.filter(pk=case.complaint_id, refund_case__isnull=True).update(refund_case=case.pk)


def link_backward(apps, schema_editor):
    RefundCase = apps.get_model("billing", "RefundCase")
    Complaint = apps.get_model("complaints", "Complaint")
    for complaint in Complaint.objects.filter(refund_case__isnull=False).order_by("pk"):
        RefundCase.objects.filter(pk=complaint.refund_case_id).update(complaint=complaint.pk)
        Complaint.objects.filter(pk=complaint.pk).update(refund_reference=complaint.refund_case.number or "")


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0014_layers"),
        ("complaints", "0003_refund_outcome"),
    ]
    run_before = [
        ("billing", "0015_refund_case_complaint_link"),
    ]

    operations = [
        migrations.AddField(
            model_name='complaint',
            name='refund_case',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='billing.refundcase', verbose_name='refund case'),
        ),
        migrations.RunPython(link_forward, link_backward),
        migrations.RemoveField(model_name="complaint", name="refund_reference"),
    ]

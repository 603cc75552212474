"""A hall device keeps only a keyed hash of its secret address: the existing addresses are hashed, so the
devices already set up keep working, and the clear secrets are dropped."""

import secrets

from django.db import migrations, models

from boss.keyed_hash import keyed_hash
from boss.db import rows_exist

PURPOSE, SALT = "hall.device_secret", "hd"   # as hall.services.devices (copied: a migration is frozen)


def hash_tokens(apps, schema_editor):
    if not rows_exist(schema_editor, "hall_halldevice"):
        return
    HallDevice = apps.get_model("hall", "HallDevice")
    for device in HallDevice.objects.all():
        device.token_hash = keyed_hash(PURPOSE, device.token, salt=SALT)
        device.save(update_fields=["token_hash"])


def new_tokens(apps, schema_editor):
    """Backwards: the clear secrets are gone; each device gets a new one and is switched off."""
    HallDevice = apps.get_model("hall", "HallDevice")
    HallDevice.objects.update(active=False)
    for device in HallDevice.objects.all():
        device.token = secrets.token_urlsafe(32)
        device.save(update_fields=["token"])


class Migration(migrations.Migration):

    dependencies = [
        ('hall', '0002_device_api'),
    ]

    operations = [
        migrations.AddField(
            model_name='halldevice',
            name='token_hash',
            field=models.CharField(editable=False, max_length=128, null=True, verbose_name='secret address (keyed hash)'),
        ),
        migrations.AlterField(
            model_name='halldevice',
            name='token',
            field=models.CharField(max_length=64, null=True, verbose_name='secret address'),
        ),
        migrations.RunPython(hash_tokens, new_tokens),
        migrations.RemoveField(
            model_name='halldevice',
            name='token',
        ),
        migrations.AlterField(
            model_name='halldevice',
            name='token_hash',
            field=models.CharField(editable=False, max_length=128, unique=True, verbose_name='secret address (keyed hash)'),
        ),
    ]

from django.db import migrations

from boss.db import immutable_table


class Migration(migrations.Migration):
    dependencies = [("boss", "0001_initial")]
    operations = [immutable_table("boss_auditevent")]

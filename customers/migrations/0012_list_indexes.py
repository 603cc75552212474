"""Indexes for the customer list over a million customers (issue 20).

- customer_created_idx (created_at, id): the list shows the newest first (ORDER BY created_at DESC, id DESC
  LIMIT 51); without it PostgreSQL read and sorted every visible customer (2.0-2.7 s). Read backwards, it
  stops after a page.
- customer_name_bytes_idx (name COLLATE "C", id), PostgreSQL only: a name prefix (`name LIKE '张客户12%'`)
  becomes a range of this index, read in its order (ORDER BY name COLLATE "C", id), so the list and the
  search stop after a page. The index Django makes for `db_index` on name does not serve: in a database whose
  collation is not "C" (C.UTF-8, zh_CN...) the plain one gives no range for LIKE, and the
  varchar_pattern_ops one cannot give the order (the name list read 170,000 index entries: 340 ms).
  SQLite compares text byte by byte already; there the order is by name and the scan is small.
"""

from django.conf import settings
from django.db import migrations, models

from boss.db import postgres_only_sql

NAME_INDEX = 'CREATE INDEX IF NOT EXISTS customer_name_bytes_idx ON customers_customer (name COLLATE "C", id);'
DROP_NAME_INDEX = "DROP INDEX IF EXISTS customer_name_bytes_idx;"


class Migration(migrations.Migration):

    dependencies = [
        ('boss', '0004_export_request'),
        ('customers', '0011_secondary_cards'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='customer',
            index=models.Index(fields=['created_at', 'id'], name='customer_created_idx'),
        ),
        postgres_only_sql(NAME_INDEX, DROP_NAME_INDEX),
    ]

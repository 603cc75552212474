"""PostgreSQL indexes that make number search fast over millions of numbers.

- `ending 8888` and the patterns (AABB ...) are suffix searches. A btree on reverse(msisdn) with
  text_pattern_ops turns a suffix into a prefix (`reverse(msisdn) LIKE '8888%'`): an index range scan
  that reads exactly the matching rows, in any collation. A trigram index could answer suffixes too,
  but only by intersecting trigram bitmaps and re-checking rows, several times slower for this case.
- `contains 168` has no fixed anchor, so no btree can serve it; a GIN trigram index (pg_trgm) can:
  a three-digit substring is one trigram, looked up directly.

SQLite has neither; there the same queries run as scans (fine for the demo's 100,000 numbers).
The indexes are created here rather than in Meta.indexes because they need PostgreSQL features.
"""

from django.db import migrations

from boss.db import postgres_only_sql

FORWARD = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS number_msisdn_reversed_idx
    ON orders_numberresource (reverse(msisdn) text_pattern_ops);
CREATE INDEX IF NOT EXISTS number_msisdn_trgm_idx
    ON orders_numberresource USING gin (msisdn gin_trgm_ops);
"""
BACKWARD = """
DROP INDEX IF EXISTS number_msisdn_trgm_idx;
DROP INDEX IF EXISTS number_msisdn_reversed_idx;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0002_inventory_and_catalog"),
    ]

    operations = [postgres_only_sql(FORWARD, BACKWARD)]

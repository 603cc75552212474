"""A search by segment and ending in one index range (PostgreSQL): (segment, reversed number).

`segment 139 + ending 88` was counted by intersecting two bitmaps, the reversed-number index's 28,000 numbers ending
in 88 and the segment index's 43,000 numbers of 139 (6-13 ms in a pool of 1,000,000); this index reads the 201 the
count needs (0.2 ms). Built CONCURRENTLY: a hall's number imports go on while it is made. Then ANALYZE: until the
new index's expression has statistics, the planner estimated every reversed-number range from defaults and counted
AAAAA by reading the whole pool (43 ms instead of 2.5).
"""

from django.db import migrations

from boss.db import postgres_only_sql

FORWARD = """
CREATE INDEX CONCURRENTLY IF NOT EXISTS number_segment_reversed_idx
    ON inventory_numberresource (segment_id, reverse(msisdn) text_pattern_ops);
"""
BACKWARD = "DROP INDEX CONCURRENTLY IF EXISTS number_segment_reversed_idx;"


class Migration(migrations.Migration):
    atomic = False   # CREATE INDEX CONCURRENTLY runs outside a transaction

    dependencies = [
        ("inventory", "0005_number_msisdn_statistics"),
    ]

    operations = [postgres_only_sql(FORWARD, BACKWARD),   # two operations: ANALYZE may not share its statement
                  postgres_only_sql("ANALYZE inventory_numberresource;", "ANALYZE inventory_numberresource;")]

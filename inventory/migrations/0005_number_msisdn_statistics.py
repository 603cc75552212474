"""A finer statistics sample of the numbers (PostgreSQL): 1,000 histogram entries instead of 100.

The planner estimates how many numbers `LIKE '%168%'` matches by trying the pattern on the column's histogram.
With 100 entries a three-digit substring (about 1 number in 100) matched none of them, the estimate fell to its
floor (100 rows of 1,000,000), and the search's page was planned as "every match from the trigram index, then
sorted": 6,000 to 13,000 rows read for 20 shown (15-18 ms). With 1,000 entries the estimate is right (8,000-15,000)
and the page walks the number index in order until it has its 20 (under 1 ms). The sample is ten times larger
(300,000 rows), which also steadies the estimates of the ending index's reversed numbers. (Their own histogram is
left at 100 entries: at 1,000, sparse patterns such as DCBA, 700 numbers, were estimated high enough that their page
walked the number index through 28,000 rows, 18 ms, instead of sorting its few matches.) Takes effect at the next
ANALYZE (autovacuum's, or the one below).
"""

from django.db import migrations

from boss.db import postgres_only_sql

FORWARD = """
ALTER TABLE inventory_numberresource ALTER COLUMN msisdn SET STATISTICS 1000;
ANALYZE inventory_numberresource;
"""
BACKWARD = "ALTER TABLE inventory_numberresource ALTER COLUMN msisdn SET STATISTICS -1;"


class Migration(migrations.Migration):

    dependencies = [
        ("inventory", "0004_number_ending_shape"),
    ]

    operations = [postgres_only_sql(FORWARD, BACKWARD)]

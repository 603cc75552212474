from django.db import migrations

from boss.db import immutable_table, postgres_only_sql

# After each INSERT statement into the entries, every transaction it touched must sum to zero and have
# at least two entries. transaction_post inserts all entries of a transaction in one statement, so a
# statement-level check with a transition table is exact and costs one grouped query per statement.
BALANCED = """
CREATE OR REPLACE FUNCTION billing_ledgerentry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE bad bigint;
BEGIN
    SELECT e.transaction_id INTO bad
      FROM billing_ledgerentry e
     WHERE e.transaction_id IN (SELECT DISTINCT transaction_id FROM new_rows)
     GROUP BY e.transaction_id
    HAVING SUM(e.amount) <> 0 OR COUNT(*) < 2
     LIMIT 1;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'ledger transaction % is not balanced', bad USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS billing_ledgerentry_balanced ON billing_ledgerentry;
CREATE TRIGGER billing_ledgerentry_balanced AFTER INSERT ON billing_ledgerentry
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION billing_ledgerentry_balanced();
"""
UNBALANCED = """
DROP TRIGGER IF EXISTS billing_ledgerentry_balanced ON billing_ledgerentry;
DROP FUNCTION IF EXISTS billing_ledgerentry_balanced();
"""


class Migration(migrations.Migration):
    dependencies = [("billing", "0002_initial")]
    operations = [
        immutable_table("billing_ledgertransaction"),
        immutable_table("billing_ledgerentry"),
        postgres_only_sql(BALANCED, UNBALANCED),
    ]

"""PostgreSQL only: the trigram index of the knowledge-base search, and append-only article versions.

Why trigrams (pg_trgm) and not to_tsvector('simple', ...): the text-search parsers split words at
spaces and punctuation, and Chinese is written without spaces, so 'simple' turns a whole clause such
as 国际漫游资费调整说明 into ONE token; a search for 漫游 (a word in the middle) then finds nothing (a
prefix query 国际:* would, but only from the start of the clause). A trigram index indexes every run
of three characters, so it serves `LIKE '%漫游资费%'` anywhere in the text, needs no word list, and
finds the knowledge base's own new terms the day they are written (a segmenter such as zhparser or
pg_jieba needs a compiled extension and a dictionary that does not know new terms yet). pg_trgm
extracts trigrams from Chinese characters under the databases' C.UTF-8 locale.

A query of one or two characters has no trigram, so the index cannot narrow it: PostgreSQL then reads
the table (still correct). See complaints/selectors.py article_search for how that is kept cheap.
On SQLite the same query is a plain LIKE scan.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from boss.db import immutable_table, postgres_only_sql

INDEX = "CREATE INDEX IF NOT EXISTS complaints_article_search_trgm ON complaints_article USING gin (search_text gin_trgm_ops);"
DROP_INDEX = "DROP INDEX IF EXISTS complaints_article_search_trgm;"


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [
        TrigramExtension(),
        postgres_only_sql(INDEX, DROP_INDEX),
        immutable_table("complaints_articleversion"),
    ]

"""PostgreSQL can answer `ending`, patterns and `contains` from their indexes (orders migration 0003, inventory
migration 0004), not by reading the whole pool. The planner is told to avoid scans that read everything, so that
the test proves the index applies to the very query the selectors build; the benchmark shows the planner choosing
it by itself over a million numbers (benchmarks/README.md)."""

import pytest
from django.db import connection

from catalog.models import NumberGradeRule
from inventory.selectors import number_list_free, numbers_containing, numbers_ending, numbers_with_pattern
from inventory.services.numbers import number_release, number_reserve

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
TABLE = "inventory_numberresource"


@pytest.fixture
def no_seqscan(add_numbers):
    add_numbers("13912358888", "13912351122", "13916712345", "13916812345", "13812345670", "13812345671")
    with connection.cursor() as cursor:
        # With a handful of rows any scan would do; rule out the ones that read everything so that the
        # plan shows which index serves the condition. (No ANALYZE here: its row counts outlive the
        # test's rollback and mislead the planner in the next test.)
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")


def test_ending_uses_the_reversed_number_index(no_seqscan):
    plan = numbers_ending(number_list_free(), "5670").explain()
    assert "number_msisdn_reversed_idx" in plan and "Seq Scan on inventory_numberresource" not in plan
    assert list(numbers_ending(number_list_free(), "5670").values_list("msisdn", flat=True)) == ["13812345670"]


def test_an_ending_of_a_narrow_shape_uses_the_narrow_ending_index(no_seqscan):
    plan = numbers_ending(number_list_free(), "8888").explain()
    assert "number_narrow_ending_idx" in plan and "number_msisdn_reversed_idx" not in plan
    assert list(numbers_ending(number_list_free(), "8888").values_list("msisdn", flat=True)) == ["13912358888"]


def test_a_pattern_that_is_a_shape_is_one_range_of_the_shape_index(no_seqscan):
    rule = NumberGradeRule.objects.get(code="AABB")
    qs = numbers_with_pattern(number_list_free(), rule)
    plan = qs.explain()
    assert "number_ending_shape_idx" in plan and "BitmapOr" not in plan and "reversed" not in plan
    assert list(qs.values_list("msisdn", flat=True)) == ["13912351122"]


def test_a_pattern_of_runs_is_one_range_of_the_reversed_index_per_ending(no_seqscan):
    rule = NumberGradeRule.objects.get(code="ABCD")
    qs = numbers_with_pattern(number_list_free(), rule)
    plan = qs.explain()
    assert "number_msisdn_reversed_idx" in plan and "BitmapOr" in plan
    assert list(qs.values_list("msisdn", flat=True)) == ["13916712345", "13916812345"]


def test_a_segment_and_an_ending_are_one_range_of_the_segment_reversed_index(no_seqscan):
    """Inventory migration 0006: segment 139 and ending 22 from one index range. (With a handful of rows the planner
    would take either single-column index and filter; they are dropped inside the test's transaction, so that the
    plan shows the new index serving the very query the selectors build.)"""
    from inventory.models import NumberSegment

    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX number_segment_idx, number_msisdn_reversed_idx")
    segment = NumberSegment.objects.get(prefix="139")
    qs = numbers_ending(number_list_free().order_by().filter(segment=segment), "22")
    plan = qs.explain()
    assert "number_segment_reversed_idx" in plan and "Seq Scan on inventory_numberresource" not in plan
    assert list(qs.values_list("msisdn", flat=True)) == ["13912351122"]


def test_contains_uses_the_trigram_index(no_seqscan):
    qs = numbers_containing(number_list_free().order_by(), "168")
    plan = qs.explain()
    assert "number_msisdn_trgm_idx" in plan and "Seq Scan on inventory_numberresource" not in plan
    assert list(qs.values_list("msisdn", flat=True)) == ["13916812345"]


def test_the_numbers_are_sampled_finely_enough_to_estimate_a_contains_search():
    """Inventory migration 0005: 1,000 histogram entries for the number, so that `contains 168` (about 1 number
    in 100) is estimated from the histogram and its page walks the number index in order (benchmarks/README.md);
    with PostgreSQL's default of 100 entries the estimate fell to its floor and the page sorted every match."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT attstattarget FROM pg_attribute WHERE attrelid = 'inventory_numberresource'::regclass "
                       "AND attname = 'msisdn'")
        assert cursor.fetchone()[0] == 1000


def test_a_reservation_and_its_release_update_the_number_where_it_lies(number, rep):
    """No index has a number's status in it, not even in its condition (inventory migration 0007): a reservation
    and a release change the row in place (HOT), adding nothing to the table's ten indexes, and the table keeps
    room on its pages for that."""
    def updates() -> tuple[int, int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_get_xact_tuples_updated(%s::regclass), "
                           "pg_stat_get_xact_tuples_hot_updated(%s::regclass)", [TABLE, TABLE])
            return cursor.fetchone()

    before = updates()
    number_reserve(actor=rep, msisdn=number.msisdn)
    number_release(actor=rep, msisdn=number.msisdn)
    after = updates()
    assert (after[0] - before[0], after[1] - before[1]) == (2, 2)   # two updates, both in place
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [TABLE])
        assert "fillfactor=90" in cursor.fetchone()[0]

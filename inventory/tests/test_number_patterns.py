"""Pattern and ending searches find exactly the numbers that match (issue 20): the stored shape of the ending
is the one catalog.grading computes, for every four-digit ending; every pattern the screen offers finds the
numbers the grade rule's own regular expression matches, no more, no fewer; and the search endpoint's query
count does not grow with the pattern."""

import pytest

from catalog.grading import SHAPES, compile_rule, ending_shape, endings_shapes
from catalog.models import NumberGradeRule
from inventory.models import NumberResource
from inventory.selectors import (
    number_list_free,
    number_pattern_rules,
    number_pattern_searchable,
    numbers_ending,
    numbers_with_pattern,
)

pytestmark = pytest.mark.django_db

# Every four-digit ending made of 0, 1, 2 and 8 (every shape, with and without 8s), the runs, and five-digit
# endings that tell AAAAA from AAAA and a run of five from a run of four.
FOUR_DIGITS = [f"1391230{a}{b}{c}{d}" for a in "0128" for b in "0128" for c in "0128" for d in "0128"]
RUNS = [f"1391231{run}" for run in ("0123", "3456", "6789", "9876", "3210", "1357", "2468", "7890")]
FIVE_DIGITS = [f"139124{d}{tail}" for d in "0123456789" for tail in ("1111", "8888", "2345", "5678", "6543", "1122")]


@pytest.fixture
def pool(add_numbers):
    add_numbers(*FOUR_DIGITS, *RUNS, *FIVE_DIGITS)
    return FOUR_DIGITS + RUNS + FIVE_DIGITS


def test_the_shapes_are_the_fifteen_of_four_digits():
    assert len(SHAPES) == 15 and ending_shape("13912351122") == "AABB" and ending_shape("1231") == "ABCA"
    assert ending_shape("13912348888") == "AAAA" and ending_shape("13912341234") == "ABCD"


def test_the_database_stores_the_shape_of_the_last_four_digits_of_every_number(add_numbers):
    every_ending = [f"1391230{n:04d}" for n in range(10_000)]
    add_numbers(*every_ending)
    stored = dict(NumberResource.objects.values_list("msisdn", "ending_shape"))
    assert len(stored) == len(every_ending)
    assert {msisdn for msisdn, shape in stored.items() if shape != ending_shape(msisdn)} == set()


def test_every_pattern_on_offer_finds_exactly_the_numbers_its_rule_matches(pool):
    rules = [rule for rule in number_pattern_rules() if number_pattern_searchable(rule)]
    offered = {rule.code for rule in rules}
    assert {"AABB", "ABAB", "AAAB", "AAAA", "AAA", "AAAAA", "ABCD", "DCBA", "8888", "88", "8"} <= offered
    for rule in rules:
        regex = compile_rule(code=rule.code, kind=rule.kind, pattern=rule.pattern, grade_id=None, rank=0,
                             priority=0, demote_steps=0, window=4).regex
        found = list(numbers_with_pattern(number_list_free(), rule).values_list("msisdn", flat=True))
        assert found == sorted(m for m in pool if regex.search(m)), rule.code  # in number order, too


@pytest.mark.parametrize("ending", ["8888", "1122", "1212", "3456", "28888", "01111", "888", "88", "8", "128"])
def test_an_ending_finds_exactly_the_numbers_ending_so(pool, ending):
    found = list(numbers_ending(number_list_free(), ending).values_list("msisdn", flat=True))
    assert found and found == sorted(m for m in pool if m.endswith(ending))


def test_a_pattern_that_is_a_shape_is_searched_by_the_shape_alone_and_a_narrow_ending_with_it():
    aabb = NumberGradeRule.objects.get(code="AABB")
    where = str(numbers_with_pattern(number_list_free(), aabb).query).split(" WHERE ")[1]
    assert '"ending_shape" = AABB' in where and "REVERSE" not in where.upper() and "LIKE" not in where.upper()
    assert endings_shapes(("8888",)).narrow and not endings_shapes(("1234",)).narrow
    assert '"ending_shape" = AAAA' in str(numbers_ending(number_list_free(), "8888").query).split(" WHERE ")[1]
    assert "ending_shape" not in str(numbers_ending(number_list_free(), "1234").query).split(" WHERE ")[1]


@pytest.mark.parametrize("pattern", ["AABB", "AAA", "8888", "ABCD"])
def test_the_search_endpoint_makes_the_same_few_queries_for_every_pattern(api, pool, pattern,
                                                                          django_assert_num_queries):
    # The rep's permissions (two), the pattern's rule, the capped count, the page, the fees in force.
    with django_assert_num_queries(6):
        body = api.get("/api/v1/numbers", {"pattern": pattern}).json()
    assert body["count"] > 0 and len(body["results"]) == min(body["count"], 20)

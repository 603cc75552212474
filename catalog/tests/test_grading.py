"""The grade table: each rule of the seeded table gives its grade; demotion for a 4; endings a pattern
stands for; grading matches a plain reading of the rules for any number (property)."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.grading import Grader, compile_rule, pattern_check, rule_endings
from catalog.models import NumberGrade, NumberGradeRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def grader(reference):
    from catalog.grading import grader_from_db

    return grader_from_db()


def _code(grade_id):
    return NumberGrade.objects.get(pk=grade_id).code


@pytest.mark.parametrize("msisdn, grade, pattern", [
    ("13912358888", "special", "8888"),      # ending 8888 beats AAAA
    ("13912300000", "special", "AAAAA"),
    ("13912356789", "special", "ABCDE"),     # a run of five
    ("13912351111", "level1", "AAAA"),
    ("13912357888", "level1", "888"),        # ending 888 beats AAA
    ("13912350123", "level2", "ABCD"),       # a rising run of four
    ("13912350222", "level2", "AAA"),
    ("13912351122", "level3", "AABB"),
    ("13912351212", "level3", "ABAB"),
    ("13912359876", "level3", "DCBA"),       # a falling run
    ("13912351112", "level4", "AAAB"),
    ("13912351288", "level4", "88"),
    ("13912351238", "level5", "8"),
    ("13912351237", "ordinary", ""),
    ("13912351437", "with4", ""),            # ordinary, with a 4 in the last four: graded lower
    ("13912344488", "level4", "AABB"),       # AABB (level3) with 4s in the last four: one step lower
])
def test_the_seeded_rules_give_their_grades(grader, msisdn, grade, pattern):
    grade_id, code = grader.grade(msisdn)
    assert (_code(grade_id), code) == (grade, pattern)


def test_a_premium_number_containing_4_is_graded_one_step_lower(grader):
    assert _code(grader.grade("13912354444")[0]) == "level2"  # AAAA of 4s: level1 demoted


def test_demotion_never_goes_below_the_lowest_grade(grader):
    rules = [compile_rule(code="X", kind="contains", pattern="4", grade_id=None, rank=-1, priority=0,
                          demote_steps=9, window=4)]
    g = Grader(rules=rules, grade_ranks={1: 0, 2: 1}, default_grade_id=2)
    assert g.grade("13900004444") == (1, "")


def test_rules_are_data_an_inactive_rule_stops_grading(grader, reference):
    from catalog.grading import grader_from_db

    NumberGradeRule.objects.filter(code="8888").update(active=False)
    grade_id, code = grader_from_db().grade("13912358888")
    assert (_code(grade_id), code) == ("level1", "AAAA")


@pytest.mark.parametrize("kind, pattern, count, sample", [
    ("tail", "AABB", 90, "1122"), ("tail", "AAAA", 10, "7777"), ("tail", "888", 1, "888"),
    ("tail", "ABAB", 90, "1313"), ("run_up", "ABCD", 7, "5678"), ("run_down", "ABCD", 7, "4321"),
])
def test_a_pattern_stands_for_its_endings(kind, pattern, count, sample):
    endings = rule_endings(kind, pattern)
    assert len(endings) == count and sample in endings
    assert len(set(endings)) == count


@pytest.mark.parametrize("kind, pattern", [("tail", "aabb"), ("tail", "AAB-"), ("run_up", "A"), ("contains", "A"),
                                          ("tail", "ABCDEFGHI")])
def test_bad_patterns_are_refused(kind, pattern):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        pattern_check(kind, pattern)


def _reference_tail(pattern: str, msisdn: str) -> bool:
    """The rule read literally: letters are digits, same letter same digit, different letters differ."""
    tail = msisdn[-len(pattern):]
    mapping: dict[str, str] = {}
    for p, d in zip(pattern, tail, strict=True):
        if p.isdigit():
            if p != d:
                return False
        elif mapping.setdefault(p, d) != d or list(mapping.values()).count(d) > 1:
            return False
    return True


@settings(max_examples=300, deadline=None)
@given(body=st.text(alphabet="0123456789", min_size=8, max_size=8),
       pattern=st.sampled_from(["AABB", "ABAB", "AAAB", "AAAA", "AAA", "888", "ABBA", "AABBCC"]))
def test_compiled_tail_rules_agree_with_the_literal_reading(body, pattern):
    msisdn = "139" + body
    rule = compile_rule(code=pattern, kind="tail", pattern=pattern, grade_id=1, rank=1, priority=0,
                        demote_steps=0, window=4)
    assert bool(rule.regex.search(msisdn)) == _reference_tail(pattern, msisdn)
    assert (msisdn[-len(pattern):] in rule_endings("tail", pattern)) == _reference_tail(pattern, msisdn)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_every_number_gets_one_grade_of_the_table_and_the_same_one_twice(grader, body):
    msisdn = "139" + body
    first, second = grader.grade(msisdn), grader.grade(msisdn)
    assert first == second
    assert first[0] in set(NumberGrade.objects.values_list("pk", flat=True))
    assert re.fullmatch(r"[A-Z0-9]*", first[1])

"""The number pool's reference data (grades, rules, one-time fees, segments): `reference_data_ensure()` makes
what is missing and never changes what an administrator edited; when nothing is missing it only reads."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boss.server_prepared import original
from catalog.models import NumberGrade, NumberGradeRule, OneTimeFee
from catalog.reference import FEES, GRADES, RULES
from inventory.models import NumberSegment
from inventory.reference import SEGMENTS, reference_data_ensure

pytestmark = pytest.mark.django_db


def test_missing_rows_are_made_again_and_edited_ones_are_kept():
    reference_data_ensure()
    OneTimeFee.objects.filter(code="SEL-LEVEL3").update(amount=Decimal("188.00"))
    NumberGradeRule.objects.filter(code="AABB").delete()
    OneTimeFee.objects.filter(code="SIM-OPEN-64K").delete()
    NumberSegment.objects.filter(prefix="139").delete()

    reference_data_ensure()

    assert OneTimeFee.objects.get(code="SEL-LEVEL3").amount == Decimal("188.00")
    rule = NumberGradeRule.objects.select_related("grade").get(code="AABB")
    assert (rule.pattern, rule.grade.code, rule.priority) == ("AABB", "level3", 13)
    assert OneTimeFee.objects.get(code="SIM-OPEN-64K").amount == Decimal("20.00")
    assert NumberSegment.objects.get(prefix="139").number_length == 11
    assert (NumberGrade.objects.count(), NumberGradeRule.objects.count(), OneTimeFee.objects.count(),
            NumberSegment.objects.count()) == (len(GRADES), len(RULES), len(FEES), len(SEGMENTS))


def test_a_grade_made_again_links_its_rules_and_fees():
    NumberGradeRule.objects.all().delete()
    OneTimeFee.objects.all().delete()
    NumberGrade.objects.all().delete()

    reference_data_ensure()

    assert NumberGradeRule.objects.get(code="HAS4").grade is None
    assert NumberGradeRule.objects.get(code="8888").grade.code == "special"
    assert OneTimeFee.objects.get(code="SEL-SPECIAL").grade.code == "special"
    assert NumberGrade.objects.get(is_default=True).code == "ordinary"


def test_nothing_missing_costs_one_read_per_table():
    reference_data_ensure()
    with CaptureQueriesContext(connection) as queries:
        reference_data_ensure()
    assert [original(q["sql"]).split()[0] for q in queries] == ["SELECT"] * 4

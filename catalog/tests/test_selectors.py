"""The catalog's reads that a process keeps for a few seconds."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import catalog.selectors as selectors
from catalog.models import OneTimeFee
from catalog.selectors import selection_fee_cache_clear, selection_fees_in_force

pytestmark = pytest.mark.django_db


@pytest.fixture
def fee():
    """A selection fee in force (the reference data's), its grade's amount as read."""
    row = OneTimeFee.objects.filter(kind=OneTimeFee.Kind.NUMBER_SELECTION, valid_until__isnull=True).first()
    assert row is not None, "the reference data have number selection fees"
    return row


def test_a_process_keeps_the_selection_fees_a_few_seconds_then_reads_a_change(settings, monkeypatch, fee):
    """The number lists read the fees without a query while the process holds them; a fee changed in the
    admin shows once BOSS_SELECTION_FEE_CACHE_SECONDS are over."""
    settings.BOSS_SELECTION_FEE_CACHE_SECONDS = 10
    clock = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: clock[0])
    selection_fee_cache_clear()
    try:
        assert selection_fees_in_force()[fee.grade_id] == fee.amount
        OneTimeFee.objects.filter(pk=fee.pk).update(amount=fee.amount + Decimal("1.00"))
        with CaptureQueriesContext(connection) as queries:
            assert selection_fees_in_force()[fee.grade_id] == fee.amount   # still this process's copy
        assert len(queries) == 0
        clock[0] += 10.1
        assert selection_fees_in_force()[fee.grade_id] == fee.amount + Decimal("1.00")
    finally:
        selection_fee_cache_clear()


def test_without_the_setting_every_read_is_fresh_and_the_fees_cannot_be_changed_by_a_caller(fee):
    fees = selection_fees_in_force()
    with pytest.raises(TypeError):
        fees[fee.grade_id] = Decimal("0.00")    # a caller cannot change what other callers will read
    OneTimeFee.objects.filter(pk=fee.pk).update(amount=fee.amount + Decimal("2.00"))
    assert selection_fees_in_force()[fee.grade_id] == fee.amount + Decimal("2.00")

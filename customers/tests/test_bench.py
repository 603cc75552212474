"""The benchmark command keeps working and leaves the database as it was."""

import io

import pytest
from django.core.management import call_command

from customers.models import Customer

pytestmark = pytest.mark.django_db


def test_customers_bench_runs_and_rolls_back():
    out = io.StringIO()
    call_command("customers_bench", "--customers", "60", "--runs", "2", stdout=out)
    text = out.getvalue()
    assert "search by identity number" in text and "GET the 360 page" in text and "rolled back" in text
    assert not Customer.objects.exists()

"""The one lock discipline (boss/locks.py): no bare select_for_update anywhere, and the order check that the
whole suite runs under (customer, identity, line, account, then the rest; a row already held may be
fetched again)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from boss.locks import _BY_KEY, LockOrderError, lock, lock_by_key

ROOT = Path(__file__).resolve().parents[2]

# Parsed in a fresh interpreter: in a test worker that has run thousands of tests, CPython 3.11.7's ast.parse
# raised "AST constructor recursion depth mismatch" (a CPython bug, fixed in 3.11.8), failing CI twice.
_FIND_BARE_LOCKS = """
import ast, json, sys
bare = []
for name in sys.argv[1:]:
    with open(name, encoding="utf-8") as source:
        for node in ast.walk(ast.parse(source.read())):
            if isinstance(node, ast.Attribute) and node.attr == "select_for_update":
                bare.append(f"{name}:{node.lineno}")
print(json.dumps(bare))
"""


def _python_files():
    for app in settings.PROJECT_APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_no_code_takes_a_row_lock_but_through_the_one_helper():
    # The helper itself, and the prepared reads, which refuse a queryset that locks (they read the flag).
    allowed = {ROOT / "boss" / "locks.py", ROOT / "boss" / "prepared.py"}
    files = [str(path.relative_to(ROOT)) for path in _python_files() if path not in allowed]
    found = subprocess.run([sys.executable, "-c", _FIND_BARE_LOCKS, *files], cwd=ROOT, check=True,
                           capture_output=True, text=True)
    bare = json.loads(found.stdout)
    assert bare == [], f"use boss.locks.lock() instead of select_for_update: {bare}"


@pytest.mark.django_db
def test_a_line_locked_before_its_customer_is_refused_in_the_tests(customer):
    from customers.models import Customer, Line
    from customers.tests.factories import LineFactory

    line = LineFactory(customer=customer)
    with pytest.raises(LockOrderError, match="customers.customer locked after customers.line"), transaction.atomic():
        lock(Line.objects.filter(pk=line.pk)).get()
        lock(Customer.objects.filter(pk=customer.pk)).get()


@pytest.mark.django_db
def test_the_documented_order_passes_and_a_row_already_held_may_be_fetched_again(customer):
    from customers.models import Account, Customer, Line
    from customers.tests.factories import LineFactory

    line = LineFactory(customer=customer)
    with transaction.atomic():
        lock(Customer.objects.filter(pk=customer.pk)).get()
        lock(Line.objects.filter(pk=line.pk)).get()
        lock(Account.objects.filter(pk=line.account_id)).get()
        assert lock(Line.objects.filter(pk=line.pk)).get() == line     # held already: no wait, no refusal
    with transaction.atomic():                                          # a new transaction starts afresh
        lock(Account.objects.filter(pk=line.account_id)).get()


def test_a_claim_never_waits():
    from boss.models import Hall

    with pytest.raises(ValueError):
        lock(Hall.objects.all(), claim=True)


@pytest.mark.django_db
def test_a_row_locked_by_its_key_is_the_orms_lock_compiled_once_and_held_in_the_one_order(customer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from customers.models import Account, Line
    from customers.tests.factories import LineFactory

    line = LineFactory(customer=customer)
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            assert lock_by_key(Line, line.pk) == line
            assert lock_by_key(Line, line.pk) == line   # held already: fetched again without a wait
        orm = lock(Line.objects.filter(pk=line.pk)).query.get_compiler(using="default").as_sql()[0]
        assert len(queries) == 2 and _BY_KEY[Line]._compiled["default"]["sql"] == orm
        with pytest.raises(Line.DoesNotExist):
            lock_by_key(Line, line.pk + 1000)
    with pytest.raises(LockOrderError, match="customers.line locked after customers.account"), transaction.atomic():
        lock_by_key(Account, line.account_id)
        lock_by_key(Line, line.pk)

"""Run by tests/test_embedded_sqlite.py in a process of its own, on a SQLite file with the settings `make run`
uses (boss.settings.local: WAL, busy timeout, IMMEDIATE transactions): 20 threads pay at the counter at the
same moment, 5 on each of 4 lines. Prints one JSON object: what each thread got and the money afterwards."""

import json
import os
import sys
from decimal import Decimal

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boss.settings.local")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
django.setup()

from billing.models import Payment  # noqa: E402
from billing.selectors import account_money, ledger_check_balanced  # noqa: E402
from boss.errors import DomainError  # noqa: E402
from boss.models import Staff  # noqa: E402
from boss.tests.threads import run_concurrently  # noqa: E402
from customers.models import Line  # noqa: E402
from orders.services.fee_collection import line_fee_collect  # noqa: E402

THREADS = 20


def main(rep_username: str, msisdns: list[str]) -> dict:
    rep = Staff.objects.get(username=rep_username)
    lines = [Line.objects.get(msisdn=m) for m in msisdns]

    def pay(i: int) -> str:
        try:
            line_fee_collect(actor=rep, line=lines[i % len(lines)], method="cash", amount=Decimal("10.00"),
                             tendered=Decimal("10.00"))
        except DomainError as exc:
            return f"refused:{exc.code}"
        return "paid"

    outcomes, errors = run_concurrently(THREADS, pay)
    return {"outcomes": outcomes, "errors": [repr(e) for e in errors],
            "payments": Payment.objects.count(), "unbalanced": ledger_check_balanced(),
            "balances": {ln.msisdn: str(account_money(ln.account).balance) for ln in lines},
            "journal_mode": _pragma("journal_mode")}


def _pragma(name: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()[0]


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2].split(","))))

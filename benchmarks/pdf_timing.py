"""Time the rendering of a receipt PDF (WeasyPrint with the CJK font): median of 30 renders.

    python benchmarks/pdf_timing.py
"""

import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boss.settings.local")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from billing.services.documents import document_pdf  # noqa: E402
from billing.services.payments import payment_collect  # noqa: E402
from boss.models import Staff  # noqa: E402
from customers.models import Line  # noqa: E402

with transaction.atomic():
    rep = Staff.objects.get(username="rep1")
    line = Line.objects.select_related("account").first()
    document = payment_collect(actor=rep, account=line.account, amount=Decimal("50.00"), method="cash",
                               tendered=Decimal("100"), line=line).documents[0]
    document_pdf(document=document, copy=False)  # warm-up: fonts loaded once per process
    times = []
    for _ in range(30):
        start = time.perf_counter()
        document_pdf(document=document, copy=False)
        times.append((time.perf_counter() - start) * 1000)
    transaction.set_rollback(True)
times.sort()
print(f"receipt PDF: median {statistics.median(times):.0f} ms, p95 {times[int(len(times) * 0.95) - 1]:.0f} ms "
      f"(30 renders, first render excluded)")

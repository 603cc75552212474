"""Prepare a PostgreSQL database for the counter load test: demo data, 20 bench reps with API tokens,
SIM stock, and a pool of valid identities for new customers. Writes bench.json for the locustfile.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/boss_bench python benchmarks/counter_load/prepare.py
"""

import json
import os
import random
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boss.settings.local")
os.environ.setdefault("BOSS_DEMO_LINES", "200")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from boss.models import Hall, Staff  # noqa: E402
from customers.identity import resident_id_compose  # noqa: E402
from customers.models import Line  # noqa: E402
from inventory.models import SimCard  # noqa: E402

REPS = int(os.environ.get("BENCH_REPS", "20"))
IDENTITIES = int(os.environ.get("BENCH_IDENTITIES", "20000"))


def main():
    call_command("demo_data", "--quiet")
    hall = Hall.objects.get(code="GZ-ZS01")
    group = Group.objects.get(name="sales_rep")
    tokens = []
    for i in range(REPS):
        rep, created = Staff.objects.get_or_create(username=f"bench{i:02d}", defaults={
            "hall": hall, "last_name": "压测", "first_name": f"{i:02d}"})
        if created:
            rep.set_unusable_password()
            rep.save()
            rep.groups.add(group)
        tokens.append(Token.objects.get_or_create(user=rep)[0].key)
    have = SimCard.objects.filter(hall=hall, capacity="usim", status="in_stock").count()
    SimCard.objects.bulk_create([
        SimCard(iccid=f"898600999{n:011d}", imsi=f"46000999{n:07d}", capacity="usim", hall=hall)
        for n in range(have, max(have, 20000))], ignore_conflicts=True)
    with connection.cursor() as cursor:  # fresh planner statistics after the bulk loads, as autovacuum would
        cursor.execute("ANALYZE")
    rnd = random.Random(7)
    regions = ["440106", "440103", "440104", "110105", "310104", "510107", "330106"]
    identities = [resident_id_compose(rnd.choice(regions), date(1960 + rnd.randrange(45), 1 + rnd.randrange(12),
                                                                1 + rnd.randrange(28)), rnd.randrange(1, 999))
                  for _ in range(IDENTITIES)]
    lines = list(Line.objects.filter(status="active").values_list("msisdn", flat=True))
    out = Path(__file__).with_name("bench.json")
    out.write_text(json.dumps({"tokens": tokens, "identities": sorted(set(identities)), "lines": lines}))
    print(f"{len(tokens)} reps, {len(set(identities))} identities, {len(lines)} lines for fee collection -> {out}")


if __name__ == "__main__":
    main()

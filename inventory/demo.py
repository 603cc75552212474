"""Demo data of the inventory: 100,000 free numbers across segments and grades, the handset models, and
SIM, handset and recharge-card stock for each demo hall.

Idempotent and fast: numbers and stock go through the CSV import service (multi-row inserts), and each
batch is loaded once (its import row is the marker). Everything is generated from a fixed seed.
"""

import os
import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from stdnum import luhn

from boss.models import Hall, Staff
from boss.permissions import system_actor
from inventory.models import HandsetModel, StockImport
from inventory.reference import segments_ensure
from inventory.services.stock import stock_import

D = Decimal
DEMO_NUMBERS = int(os.environ.get("BOSS_DEMO_NUMBERS", "100000"))


# code, brand, model, network, price
HANDSETS = [
    ("HW-MATE60", "华为", "Mate 60", "5g", "5999.00"), ("MI-14", "小米", "14", "5g", "3999.00"),
    ("OPPO-RENO11", "OPPO", "Reno11", "5g", "2499.00"), ("VIVO-Y78", "vivo", "Y78", "5g", "1499.00"),
    ("APPLE-IP15", "Apple", "iPhone 15", "5g", "5999.00"), ("CMCC-A3S", "中国移动", "A3s", "4g", "599.00"),
]


# Premium endings mixed into the demo pool so that every grade has numbers to find.
_PREMIUM_SHAPES = ["AAAAA", "AAAA", "AAA", "AABB", "ABAB", "AAAB", "8888", "888", "88", "RUN4", "RUN5"]


_SEGMENTS = ["1345", "1347", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159", "172", "178",
             "182", "183", "184", "187", "188", "195", "197", "198"]


def _premium_tail(rnd: random.Random, shape: str) -> str:
    a, b = rnd.sample("0123456789", 2)
    if shape.startswith("RUN"):
        n = int(shape[3:])
        start = rnd.randrange(0, 11 - n)
        return "0123456789"[start:start + n]
    return "".join({"A": a, "B": b}.get(ch, ch) for ch in shape)


def _numbers(count: int) -> list[str]:
    rnd = random.Random(20260101)
    out: set[str] = set()
    while len(out) < count:
        segment = rnd.choice(_SEGMENTS)
        width = 11 - len(segment)
        body = f"{rnd.randrange(10 ** width):0{width}d}"
        if rnd.random() < 0.08:
            tail = _premium_tail(rnd, rnd.choice(_PREMIUM_SHAPES))
            body = body[: width - len(tail)] + tail
        out.add(segment + body)
    return sorted(out)


def _imei(rnd: random.Random, tac: str) -> str:
    body = tac + f"{rnd.randrange(10 ** 6):06d}"
    return body + luhn.calc_check_digit(body)


def _stock_csv(hall_index: int, hall: Hall) -> dict[str, str]:
    rnd = random.Random(7000 + hall_index)
    sims = ["iccid,imsi,capacity"]
    for i in range(300):   # 250 USIM: six months of demo history take about 130 (reports/history.py)
        capacity = "64k" if i < 20 else "128k" if i < 50 else "usim"
        sims.append(f"898600{hall_index:02d}{i:012d},4600{hall_index:01d}{i:010d},{capacity}")
    handsets = ["imei,model"]
    for code, *_rest in HANDSETS:
        tac = f"86{rnd.randrange(10 ** 6):06d}"
        handsets += [f"{_imei(rnd, tac)},{code}" for _ in range(4)]
    until = (timezone.localdate() + timedelta(days=730)).isoformat()
    cards = ["serial,pin,face_value,valid_until"]
    for i in range(30):
        face = ("30.00", "50.00", "100.00")[i % 3]
        cards.append(f"{hall_index:02d}{i:015d},{rnd.randrange(10 ** 17, 10 ** 18)},{face},{until}")
    return {"sim": "\n".join(sims), "handset": "\n".join(handsets), "recharge_card": "\n".join(cards)}


def _handset_models() -> None:
    for code, brand, model, network, price in HANDSETS:
        HandsetModel.objects.get_or_create(code=code, defaults={
            "brand": brand, "name": model, "network": network, "price": D(price)})


def load(stdout=None) -> int:
    segments_ensure()
    _handset_models()
    # The demo admin spans every hall (the system account acts for none); boss.demo made it first.
    actor = Staff.objects.filter(username="admin1").first() or system_actor()
    loaded = 0
    numbers_file = "demo-numbers.csv"
    if DEMO_NUMBERS and not StockImport.objects.filter(kind=StockImport.Kind.NUMBER, filename=numbers_file).exists():
        csv = "msisdn\n" + "\n".join(_numbers(DEMO_NUMBERS))
        loaded += stock_import(actor=actor, kind=StockImport.Kind.NUMBER, data=csv, filename=numbers_file).created_count
    if not actor.has_perm("boss.all_halls"):
        return loaded
    for index, hall in enumerate(Hall.objects.order_by("code"), start=1):
        for kind, csv in _stock_csv(index, hall).items():
            name = f"demo-{kind}-{hall.code}.csv"
            if not StockImport.objects.filter(kind=kind, hall=hall, filename=name).exists():
                loaded += stock_import(actor=actor, kind=kind, data=csv, filename=name, hall=hall).created_count
    if stdout is not None and loaded:
        stdout.write(f"inventory: {loaded} numbers and stock items loaded")
    return loaded

"""Demo data of the orders app: a China-Mobile-like catalog, 100,000 free numbers across segments and
grades, and SIM, handset and recharge-card stock for each demo hall.

Idempotent and fast: numbers and stock go through the CSV import service (multi-row inserts), and each
batch is loaded once (its import row is the marker). Everything is generated from a fixed seed.
"""

import os
import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from stdnum import luhn

from boss.models import Hall, Staff
from boss.permissions import system_actor
from orders.models import Discount, Feature, HandsetModel, Offer, Plan, StockImport
from orders.reference import reference_data_ensure
from orders.services.stock import stock_import

D = Decimal
SINCE = date(2024, 1, 1)
DEMO_NUMBERS = int(os.environ.get("BOSS_DEMO_NUMBERS", "100000"))

# code, name, kind, brand, network, fee, minutes, sms, data MB, per min, per SMS, per MB, valid until
PLANS = [
    ("5G-ZX-128", "5G智享套餐 128元档", "main", "gotone", "5g", "128.00", 500, 0, 30 * 1024, "0.15", "0.10", "0.0029", None),
    ("5G-ZX-198", "5G智享套餐 198元档", "main", "gotone", "5g", "198.00", 1000, 0, 60 * 1024, "0.15", "0.10", "0.0029", None),
    ("5G-ZX-298", "5G智享套餐 298元档", "main", "gotone", "5g", "298.00", 1500, 0, 100 * 1024, "0.15", "0.10", "0.0029",
     None),
    ("QQT-ZX-388", "全球通尊享套餐 388元", "main", "gotone", "5g", "388.00", 2000, 200, 150 * 1024, "0.10", "0.10",
     "0.0029", None),
    ("DGDD-MG-39", "动感地带芒果卡 39元", "main", "mzone", "5g", "39.00", 100, 0, 30 * 1024, "0.15", "0.10", "0.0050", None),
    ("DGDD-CW-19", "动感地带潮玩卡 19元", "main", "mzone", "4g", "19.00", 0, 0, 10 * 1024, "0.15", "0.10", "0.0050", None),
    ("4G-FX-58", "4G飞享套餐 58元", "main", "", "4g", "58.00", 200, 0, 5 * 1024, "0.19", "0.10", "0.0050", None),
    ("4G-FX-38", "4G飞享套餐 38元", "main", "", "4g", "38.00", 100, 0, 2 * 1024, "0.19", "0.10", "0.0050", None),
    ("SZX-BH-8", "神州行保号套餐 8元", "main", "easyown", "4g", "8.00", 0, 0, 100, "0.19", "0.10", "0.2900", None),
    ("4G-SW-18", "4G上网套餐 18元（已停售）", "main", "", "4g", "18.00", 0, 0, 1024, "0.19", "0.10", "0.2900",
     date(2023, 12, 31)),
    ("DATA-10-1G", "流量加油包 10元1GB", "data", "", "4g", "10.00", 0, 0, 1024, "0", "0", "0", None),
    ("DATA-30-10G", "5G流量包 30元10GB", "data", "", "5g", "30.00", 0, 0, 10 * 1024, "0", "0", "0", None),
    ("VOICE-20-200", "语音包 20元200分钟", "voice", "", "4g", "20.00", 200, 0, 0, "0", "0", "0", None),
    ("FAM-QQW-10", "家庭亲情网 10元", "family", "", "4g", "10.00", 0, 0, 0, "0", "0", "0", None),
    ("FAM-FK-10", "主副卡 副卡10元/张", "family", "", "4g", "10.00", 0, 0, 0, "0", "0", "0", None),
]

# code, name, kind, level, monthly fee, deposit parameter
FEATURES = [
    ("ROAM-INTL", "国际及港澳台漫游", "roaming", 0, "0.00", "roaming.deposit"),
    ("LD-DOM", "国内长途", "long_distance", 1, "0.00", ""),
    ("LD-INTL", "国际及港澳台长途", "long_distance", 2, "0.00", ""),
    ("CFW", "呼叫转移", "call_forwarding", 0, "0.00", ""),
    ("CLIP", "来电显示", "caller_id", 0, "5.00", ""),
    ("VPMN", "集团V网", "vpmn", 0, "0.00", ""),
    ("VM", "语音信箱", "voicemail", 0, "3.00", ""),
]

# code, name, business, plan code, target, percent off, amount off, valid until
DISCOUNTS = [
    ("NEW-5G-80", "新入网5G套餐月费8折（12个月）", "open_account", None, "monthly_fee", "20", None, date(2027, 12, 31)),
    ("USIM-FREE", "换5G卡免SIM卡费", "sim_replacement", None, "sim_card", "100", None, date(2027, 12, 31)),
    ("SEL-QQT", "全球通客户选号费减免200元", "open_account", "QQT-ZX-388", "number_selection", None, "200.00", None),
]

# code, name, product, audience, lowest VIP level, from plans, spend from, priority, pitch
OFFERS = [
    ("VIP-QQT-388", "全球通尊享升级", "QQT-ZX-388", "vip", 2, [], None, 20,
     "大客户专享：388元含150GB、2000分钟，机场贵宾厅"),
    ("SPEND-5G-198", "高消费升档 5G智享198", "5G-ZX-198", "any", None, [], "150.00", 15,
     "近三月月均消费超过150元，换198元档更省"),
    ("UP-5G-128", "4G升5G 智享128", "5G-ZX-128", "any", None, ["4G-FX-38", "4G-FX-58", "DGDD-CW-19"], None, 10,
     "升级5G：128元含30GB和500分钟"),
    ("FAMILY-QQW", "家庭亲情网", "FAM-QQW-10", "any", None, [], None, 5, "家人之间通话免费，每月10元"),
    ("DATA-1G", "流量加油包", "DATA-10-1G", "any", None, [], None, 1, "流量不够时10元加1GB"),
]

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
    for i in range(150):
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


@transaction.atomic
def _catalog() -> None:
    plans = {}
    for code, name, kind, brand, network, fee, minutes, sms, data, per_min, per_sms, per_mb, until in PLANS:
        plans[code], _ = Plan.objects.get_or_create(code=code, defaults={
            "name": name, "kind": kind, "brand": brand, "network": network, "monthly_fee": D(fee),
            "voice_minutes": minutes, "sms_count": sms, "data_mb": data, "overage_per_minute": D(per_min),
            "overage_per_sms": D(per_sms), "overage_per_mb": D(per_mb), "roaming_per_minute": D("2.99"),
            "long_distance_per_minute": D("4.60"), "valid_until": until,
            "valid_from": SINCE if until is None or until >= SINCE else date(2021, 1, 1)})
    for code, name, kind, level, fee, deposit in FEATURES:
        Feature.objects.get_or_create(code=code, defaults={
            "name": name, "kind": kind, "level": level, "monthly_fee": D(fee), "deposit_param": deposit,
            "valid_from": SINCE})
    for code, name, business, plan, target, percent, amount, until in DISCOUNTS:
        Discount.objects.get_or_create(code=code, defaults={
            "name": name, "business": business, "plan": plans.get(plan), "target": target,
            "percent_off": D(percent) if percent else None, "amount_off": D(amount) if amount else None,
            "valid_from": SINCE, "valid_until": until})
    for code, name, product, audience, level, from_plans, spend, priority, pitch in OFFERS:
        offer, created = Offer.objects.get_or_create(code=code, defaults={
            "name": name, "product": plans[product], "audience": audience, "min_vip_level": level,
            "spend_min": D(spend) if spend else None, "priority": priority, "pitch": pitch, "valid_from": SINCE})
        if created and from_plans:
            offer.from_plans.set([plans[p] for p in from_plans])
    for code, brand, model, network, price in HANDSETS:
        HandsetModel.objects.get_or_create(code=code, defaults={
            "brand": brand, "name": model, "network": network, "price": D(price)})


def load(stdout=None) -> int:
    reference_data_ensure()
    _catalog()
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
        stdout.write(f"orders: {loaded} numbers and stock items loaded")
    return loaded + load_lines(stdout) + load_premium_line(stdout)


DEMO_LINES = int(os.environ.get("BOSS_DEMO_LINES", "40"))


def load_lines(stdout=None) -> int:
    """Open demo lines through the real opening process (pre-input, payment, provisioning), so fee
    collection, the 360 page and billing have lines to work on. Idempotent: only when there are none."""
    from customers.models import Customer, Line
    from orders.models import NumberResource, SimCard
    from orders.services.numbers import number_reserve
    from orders.services.open_account import order_open_account_create, order_open_account_pay
    from provisioning.services import work_orders_run

    rep = Staff.objects.filter(username="rep1").first()
    if rep is None or not DEMO_LINES or Line.objects.exists():
        return 0
    plans = ["5G-ZX-128", "DGDD-MG-39", "4G-FX-58", "5G-ZX-198", "QQT-ZX-388"]
    customers = list(Customer.objects.filter(kind="individual", identity__checked_at__isnull=False)
                     .exclude(classes__kind="blacklist").order_by("pk")[:DEMO_LINES])
    numbers = list(NumberResource.objects.filter(status="free", grade__is_default=True)
                   .order_by("msisdn").values_list("msisdn", flat=True)[:len(customers)])
    opened = 0
    for i, (customer, msisdn) in enumerate(zip(customers, numbers, strict=False)):
        if not SimCard.objects.filter(hall=rep.hall, capacity="usim", status="in_stock").exists():
            break
        with transaction.atomic():
            number_reserve(actor=rep, msisdn=msisdn, customer=customer)
            order = order_open_account_create(actor=rep, customer=customer, msisdn=msisdn,
                                              product_code=plans[i % len(plans)], sim_capacity="usim",
                                              documents_checked=["id_original"], service_password="428571")
            order_open_account_pay(actor=rep, order=order, method="cash", agreement_signed=True)
        opened += 1
    work_orders_run(limit=50)
    if stdout is not None and opened:
        stdout.write(f"orders: {opened} demo lines opened")
    return opened


def load_premium_line(stdout=None) -> int:
    """One demo line on a premium number (三级靓号: at least 88 yuan a month for 12 months) on the 39-yuan
    plan, opened through the real process, so the line screen shows its minimum spend and each bill run
    tops its bills up to 88 yuan. Idempotent: only while no line has a minimum spend (so a database that
    has the other demo lines already gets it too)."""
    from customers.models import Customer, LineCommitment
    from orders.models import NumberResource, SimCard
    from orders.services.numbers import number_reserve
    from orders.services.open_account import order_open_account_create, order_open_account_pay
    from provisioning.services import work_orders_run

    rep = Staff.objects.filter(username="rep1").first()
    if rep is None or not DEMO_LINES or LineCommitment.objects.exists():
        return 0
    msisdn = (NumberResource.objects.filter(status="free", grade__code="level3").order_by("msisdn")
              .values_list("msisdn", flat=True).first())
    customer = (Customer.objects.filter(kind="individual", identity__checked_at__isnull=False, lines__isnull=True)
                .exclude(classes__kind="blacklist").order_by("pk").first())
    if msisdn is None or customer is None or not SimCard.objects.filter(
            hall=rep.hall, capacity="usim", status="in_stock").exists():
        return 0
    with transaction.atomic():
        number_reserve(actor=rep, msisdn=msisdn, customer=customer)
        order = order_open_account_create(actor=rep, customer=customer, msisdn=msisdn, product_code="DGDD-MG-39",
                                          sim_capacity="usim", documents_checked=["id_original"],
                                          service_password="428571")
        order_open_account_pay(actor=rep, order=order, method="cash", agreement_signed=True)
    work_orders_run(limit=5)
    if stdout is not None:
        stdout.write(f"orders: demo premium-number line {msisdn} with a minimum monthly spend")
    return 1

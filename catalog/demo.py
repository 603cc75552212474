"""Demo data of the catalog: a China-Mobile-like set of plans (main plans and add-ons), features,
discounts and offers, beside the reference grades, rules and fees. Idempotent (get_or_create by code)."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from catalog.models import Discount, Feature, Offer, Plan
from catalog.reference import catalog_reference_ensure

D = Decimal
SINCE = date(2024, 1, 1)


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

# How many secondary cards (主副卡) a main plan takes; the others take none.
SECONDARY_CARDS = {"5G-ZX-128": 1, "5G-ZX-198": 2, "5G-ZX-298": 3, "QQT-ZX-388": 4}


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


# code, name, business, plan code, target, percent off, amount off, valid until, conditions
DISCOUNTS = [
    ("NEW-5G-80", "新入网5G套餐月费8折（12个月）", "open_account", None, "monthly_fee", "20", None, date(2027, 12, 31),
     {"network": "5g"}),
    ("USIM-FREE", "换5G卡免SIM卡费", "sim_replacement", None, "sim_card", "100", None, date(2027, 12, 31), {}),
    ("SEL-QQT", "全球通客户选号费减免200元", "open_account", "QQT-ZX-388", "number_selection", None, "200.00", None,
     {}),
    ("ORG-GOTONE-10", "政企客户全球通月费立减10元", "open_account", None, "monthly_fee", None, "10.00", None,
     {"brand": "gotone", "customer_kind": "organization"}),
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


@transaction.atomic
def _catalog() -> None:
    plans = {}
    for code, name, kind, brand, network, fee, minutes, sms, data, per_min, per_sms, per_mb, until in PLANS:
        plans[code], _ = Plan.objects.get_or_create(code=code, defaults={
            "name": name, "kind": kind, "brand": brand, "network": network, "monthly_fee": D(fee),
            "voice_minutes": minutes, "sms_count": sms, "data_mb": data, "overage_per_minute": D(per_min),
            "overage_per_sms": D(per_sms), "overage_per_mb": D(per_mb), "roaming_per_minute": D("2.99"),
            "long_distance_per_minute": D("4.60"), "valid_until": until,
            "max_secondary_cards": SECONDARY_CARDS.get(code, 0),
            "valid_from": SINCE if until is None or until >= SINCE else date(2021, 1, 1)})
    for code, name, kind, level, fee, deposit in FEATURES:
        Feature.objects.get_or_create(code=code, defaults={
            "name": name, "kind": kind, "level": level, "monthly_fee": D(fee), "deposit_param": deposit,
            "valid_from": SINCE})
    for code, name, business, plan, target, percent, amount, until, conditions in DISCOUNTS:
        Discount.objects.get_or_create(code=code, defaults={
            "name": name, "business": business, "plan": plans.get(plan), "target": target,
            "percent_off": D(percent) if percent else None, "amount_off": D(amount) if amount else None,
            "valid_from": SINCE, "valid_until": until, **conditions})
    for code, name, product, audience, level, from_plans, spend, priority, pitch in OFFERS:
        offer, created = Offer.objects.get_or_create(code=code, defaults={
            "name": name, "product": plans[product], "audience": audience, "min_vip_level": level,
            "spend_min": D(spend) if spend else None, "priority": priority, "pitch": pitch, "valid_from": SINCE})
        if created and from_plans:
            offer.from_plans.set([plans[p] for p in from_plans])


def load(stdout=None) -> int:
    catalog_reference_ensure()
    _catalog()
    return 0

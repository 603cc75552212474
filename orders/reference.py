"""Reference data the number pool needs from its first day: China Mobile's segments (domain-rules A5),
the number grades and their pattern rules (A10), and the one-time fees that go with them (SIM card fee
per capacity, number selection fee per grade, SIM replacement fee).

Everything here is a starting point that the admin edits afterwards (Django admin → orders); the amounts
are typical of a Guangdong city and, as A10 says, vary by province. `reference_data_ensure()` is
idempotent: the data migration calls it with the migration's models, the test fixtures with the real
ones (a transactional test empties the tables).
"""

from datetime import date
from decimal import Decimal

D = Decimal
SINCE = date(2020, 1, 1)

# prefix, kind, digits, sold at the counter, note (libphonenumber carrier/zh/86.txt, MIIT 2019)
SEGMENTS = [
    *[(f"134{d}", "mobile", 11, True, "") for d in range(9)],  # 1349 is China Telecom satellite
    ("135", "mobile", 11, True, ""), ("136", "mobile", 11, True, ""), ("137", "mobile", 11, True, ""),
    ("138", "mobile", 11, True, ""), ("139", "mobile", 11, True, ""),
    ("1440", "iot", 13, False, "物联网13位号码，不在柜台销售"),
    ("147", "data", 11, True, "上网卡"), ("148", "data", 11, True, "上网卡"),
    ("150", "mobile", 11, True, ""), ("151", "mobile", 11, True, ""), ("152", "mobile", 11, True, ""),
    ("157", "mobile", 11, True, ""), ("158", "mobile", 11, True, ""), ("159", "mobile", 11, True, ""),
    ("165", "mvno", 11, False, "移动转售（虚商）"),
    ("1703", "mvno", 11, False, "移动转售（虚商）"), ("1705", "mvno", 11, False, "移动转售（虚商）"),
    ("1706", "mvno", 11, False, "移动转售（虚商）"),
    ("172", "mobile", 11, True, ""), ("178", "mobile", 11, True, ""),
    ("182", "mobile", 11, True, ""), ("183", "mobile", 11, True, ""), ("184", "mobile", 11, True, ""),
    ("187", "mobile", 11, True, ""), ("188", "mobile", 11, True, ""),
    ("195", "mobile", 11, True, ""), ("197", "mobile", 11, True, "5G"), ("198", "mobile", 11, True, ""),
]

# code, name, rank, pre-deposit, minimum monthly spend, agreement months, default
GRADES = [
    ("special", "特级靓号", 7, D("3000.00"), D("388.00"), 36, False),
    ("level1", "一级靓号", 6, D("2000.00"), D("288.00"), 24, False),
    ("level2", "二级靓号", 5, D("1000.00"), D("158.00"), 24, False),
    ("level3", "三级靓号", 4, D("500.00"), D("88.00"), 12, False),
    ("level4", "四级靓号", 3, D("200.00"), D("58.00"), 12, False),
    ("level5", "五级号码", 2, D("0.00"), D("0.00"), 0, False),
    ("ordinary", "普通号码", 1, D("0.00"), D("0.00"), 0, True),
    ("with4", "含4号码", 0, D("0.00"), D("0.00"), 0, False),
]

# code, name, kind, pattern, grade, grades down, window, priority
RULES = [
    ("8888", "尾号8888", "tail", "8888", "special", 0, 4, 20),
    ("AAAAA", "尾号AAAAA", "tail", "AAAAA", "special", 0, 4, 19),
    ("ABCDE", "尾号顺子ABCDE", "run_up", "ABCDE", "special", 0, 4, 18),
    ("AAAA", "尾号AAAA", "tail", "AAAA", "level1", 0, 4, 17),
    ("888", "尾号888", "tail", "888", "level1", 0, 4, 16),
    ("ABCD", "尾号顺子ABCD", "run_up", "ABCD", "level2", 0, 4, 15),
    ("AAA", "尾号AAA", "tail", "AAA", "level2", 0, 4, 14),
    ("AABB", "尾号AABB", "tail", "AABB", "level3", 0, 4, 13),
    ("ABAB", "尾号ABAB", "tail", "ABAB", "level3", 0, 4, 12),
    ("DCBA", "尾号倒顺DCBA", "run_down", "ABCD", "level3", 0, 4, 11),
    ("AAAB", "尾号AAAB", "tail", "AAAB", "level4", 0, 4, 10),
    ("88", "尾号88", "tail", "88", "level4", 0, 4, 9),
    ("8", "尾号8", "tail", "8", "level5", 0, 4, 1),
    ("HAS4", "尾四位含4", "contains", "4", None, 1, 4, 0),
]

# code, name, business, kind, SIM capacity, grade, amount
FEES = [
    ("SIM-OPEN-64K", "SIM卡费（64K）", "open_account", "sim_card", "64k", None, D("20.00")),
    ("SIM-OPEN-128K", "SIM卡费（128K）", "open_account", "sim_card", "128k", None, D("30.00")),
    ("SIM-OPEN-USIM", "SIM卡费（USIM）", "open_account", "sim_card", "usim", None, D("30.00")),
    ("SIM-REPL-64K", "补换卡费（64K）", "sim_replacement", "sim_card", "64k", None, D("20.00")),
    ("SIM-REPL-128K", "补换卡费（128K）", "sim_replacement", "sim_card", "128k", None, D("30.00")),
    ("SIM-REPL-USIM", "补换卡费（USIM）", "sim_replacement", "sim_card", "usim", None, D("30.00")),
    ("SEL-SPECIAL", "选号费（特级靓号）", "open_account", "number_selection", "", "special", D("2000.00")),
    ("SEL-LEVEL1", "选号费（一级靓号）", "open_account", "number_selection", "", "level1", D("1000.00")),
    ("SEL-LEVEL2", "选号费（二级靓号）", "open_account", "number_selection", "", "level2", D("500.00")),
    ("SEL-LEVEL3", "选号费（三级靓号）", "open_account", "number_selection", "", "level3", D("200.00")),
    ("SEL-LEVEL4", "选号费（四级靓号）", "open_account", "number_selection", "", "level4", D("50.00")),
    ("SEL-LEVEL5", "选号费（五级号码）", "open_account", "number_selection", "", "level5", D("20.00")),
]


def reference_data_ensure(apps=None) -> None:
    """Create whatever reference row is missing; never changes a row the admin has edited."""
    if apps is None:
        from django.apps import apps
    segment = apps.get_model("orders", "NumberSegment")
    grade = apps.get_model("orders", "NumberGrade")
    rule = apps.get_model("orders", "NumberGradeRule")
    fee = apps.get_model("orders", "OneTimeFee")

    for prefix, kind, digits, active, note in SEGMENTS:
        segment.objects.get_or_create(prefix=prefix, defaults={
            "operator": "cmcc", "kind": kind, "number_length": digits, "active": active, "note": note})
    grades = {}
    for code, name, rank, deposit, spend, months, default in GRADES:
        grades[code], _ = grade.objects.get_or_create(code=code, defaults={
            "name": name, "rank": rank, "pre_deposit": deposit, "min_monthly_spend": spend,
            "agreement_months": months, "is_default": default})
    for code, name, kind, pattern, grade_code, demote, window, priority in RULES:
        rule.objects.get_or_create(code=code, defaults={
            "name": name, "kind": kind, "pattern": pattern, "grade": grades.get(grade_code),
            "demote_steps": demote, "window": window, "priority": priority})
    for code, name, business, kind, capacity, grade_code, amount in FEES:
        fee.objects.get_or_create(code=code, defaults={
            "name": name, "business": business, "kind": kind, "sim_capacity": capacity,
            "grade": grades.get(grade_code), "amount": amount, "valid_from": SINCE})

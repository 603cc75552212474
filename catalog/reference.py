"""Reference data the catalog needs from its first day: the number grades (靓号 tiers) and their pattern rules
(domain-rules A10), and the one-time fees that go with them (SIM card fee per capacity, number selection fee
per grade, SIM replacement fee).

A starting point that the admin edits afterwards (Django admin → catalog); the amounts are typical of a
Guangdong city and, as A10 says, vary by province. `catalog_reference_ensure()` is idempotent: a data
migration calls it with the migration's models, the test fixtures and the demo with the real ones.
"""

from datetime import date
from decimal import Decimal

from boss.db import rows_missing_created

D = Decimal
SINCE = date(2020, 1, 1)

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


def catalog_reference_ensure(apps=None, *, app_label: str = "catalog") -> None:
    """Create whatever reference row is missing; never changes a row the admin has edited. `app_label` names
    the app that held these models at the migration that calls it (orders before the catalog was split out)."""
    if apps is None:
        from django.apps import apps
    grade = apps.get_model(app_label, "NumberGrade")
    rule = apps.get_model(app_label, "NumberGradeRule")
    fee = apps.get_model(app_label, "OneTimeFee")

    grade_ids: dict[str | None, int] = rows_missing_created(grade, {code: {
        "name": name, "rank": rank, "pre_deposit": deposit, "min_monthly_spend": spend, "agreement_months": months,
        "is_default": default} for code, name, rank, deposit, spend, months, default in GRADES})
    rows_missing_created(rule, {code: {
        "name": name, "kind": kind, "pattern": pattern, "grade_id": grade_ids.get(grade_code),
        "demote_steps": demote, "window": window, "priority": priority}
        for code, name, kind, pattern, grade_code, demote, window, priority in RULES})
    rows_missing_created(fee, {code: {
        "name": name, "business": business, "kind": kind, "sim_capacity": capacity,
        "grade_id": grade_ids.get(grade_code), "amount": amount, "valid_from": SINCE}
        for code, name, business, kind, capacity, grade_code, amount in FEES})


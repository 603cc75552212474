"""Reference data the number pool needs from its first day: China Mobile's segments (domain-rules A5).
A starting point that the admin edits afterwards; `segments_ensure()` is idempotent."""

from boss.db import rows_missing_created

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


def segments_ensure(apps=None, *, app_label: str = "inventory") -> None:
    """Create whatever segment is missing; never changes one the admin has edited. `app_label` names the app
    that held NumberSegment at the migration that calls it (orders before the inventory was split out)."""
    if apps is None:
        from django.apps import apps
    segment = apps.get_model(app_label, "NumberSegment")
    rows_missing_created(segment, {prefix: {"operator": "cmcc", "kind": kind, "number_length": digits,
                                            "active": active, "note": note}
                                   for prefix, kind, digits, active, note in SEGMENTS}, key="prefix")


def reference_data_ensure() -> None:
    """Everything a number pool needs from day one: the catalog's grades, rules and fees, and the segments."""
    from catalog.reference import catalog_reference_ensure

    catalog_reference_ensure()
    segments_ensure()

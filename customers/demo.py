"""Demo customers: a few hundred people and organizations with valid identity numbers and some classes.

Deterministic (a fixed seed) and idempotent: the same identities every run, created only when missing.
Individuals have resident IDs on real region codes (mostly Guangdong, where the demo halls are, some
from other provinces), organizations valid unified social credit codes. Lines are not created here:
they need plans, numbers and SIMs, and the open-account process makes them.
"""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from boss.models import Hall, Staff
from customers.identity import identity_validate, resident_id_compose, uscc_compose
from customers.models import Customer, CustomerClass, CustomerIdentity

SEED = 20260101
INDIVIDUALS = 320
ORGANIZATIONS = 30

# The most common family names in mainland China, roughly by frequency (more names early in the list).
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余于杜叶程魏苏吕丁任"
            "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱覃武戴孔汤")
GIVEN = ("伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "秀兰", "霞", "平", "刚", "桂英", "文辉", "建国", "志强", "丹", "萍", "鹏", "宇", "浩然", "子涵", "欣怡", "梓轩",
         "思远", "雨桐", "晨阳", "佳琪", "俊杰", "一鸣", "婉婷", "嘉怡", "浩宇", "宇轩", "诗涵", "梓萱", "子豪", "晓东",
         "海燕", "建华", "丽娟", "永红", "春梅", "志明", "振华", "国强", "建军", "红霞", "玉兰", "淑芬", "伟民", "立新")
# Guangdong counties (GB/T 2260) for most, a few other provinces for people who moved here.
REGIONS_GD = ("440103", "440104", "440105", "440106", "440111", "440112", "440113", "440114", "440115",
              "440303", "440304", "440305", "440306", "440402", "440604", "440605", "441302", "441900", "442000")
REGIONS_OTHER = ("110105", "110108", "310104", "310115", "320106", "330106", "350203", "360102", "420106",
                 "430104", "450103", "510107", "520102", "610113")
STREETS = ("中山路", "天河路", "体育西路", "环市东路", "东风中路", "解放北路", "江南大道", "工业大道", "黄埔大道",
           "沿江中路", "北京路", "广州大道", "珠江新城花城大道", "科韵路", "番禺大道")
ORG_KINDS = ("科技有限公司", "贸易有限公司", "物流有限公司", "餐饮管理有限公司", "建筑工程有限公司", "教育咨询有限公司",
             "电子商务有限公司", "医疗器械有限公司")
ORG_WORDS = ("华南", "粤海", "珠江", "羊城", "天河", "南方", "岭南", "越秀", "白云", "海珠", "宏达", "恒信", "永盛", "瑞丰",
             "金穗", "广和")
VIP_REASONS = ("月均消费超过500元", "集团客户关键联系人", "连续在网十年以上", "企业集团客户")
BLACK_REASONS = ("恶意欠费，已转催缴", "批量办卡用于营销短信", "使用伪造证件办理业务")
RED_REASONS = ("政府机关重要保障号码", "应急通信保障单位")


def _address(rng: random.Random, region: str) -> str:
    district = identity_validate(CustomerIdentity.DocType.RESIDENT_ID,
                                 resident_id_compose(region, date(1980, 1, 1), 1)).region
    return f"{district}{rng.choice(STREETS)}{rng.randint(1, 300)}号{rng.randint(1, 30)}栋{rng.randint(101, 2808)}房"


def _people(rng: random.Random):
    for n in range(INDIVIDUALS):
        region = rng.choice(REGIONS_GD) if rng.random() < 0.8 else rng.choice(REGIONS_OTHER)
        born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 55))
        sequence = rng.randint(1, 999)
        number = resident_id_compose(region, born, sequence)
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        yield (CustomerIdentity.DocType.RESIDENT_ID, number, name, _address(rng, region),
               f"1{rng.choice('35789')}{rng.randint(0, 999999999):09d}", n)


def _organizations(rng: random.Random):
    for n in range(ORGANIZATIONS):
        body = f"{rng.choice('MNPQ')}{rng.randint(0, 9999999):07d}"
        number = uscc_compose("91", rng.choice(("440101", "440104", "440106", "440300")), body)
        name = f"广州{rng.choice(ORG_WORDS)}{rng.choice(ORG_WORDS)}{rng.choice(ORG_KINDS)}"
        yield (CustomerIdentity.DocType.USCC, number, name, _address(rng, rng.choice(REGIONS_GD)),
               f"020{rng.randint(20000000, 89999999)}", n)


@transaction.atomic
def load(stdout=None) -> int:
    rng = random.Random(SEED)
    rows = list(_people(rng)) + list(_organizations(rng))
    # Numbers drawn twice by chance are kept once (the identity is unique per type and number).
    rows = list({(r[0], r[1]): r for r in rows}.values())
    for doc_type, number, *_rest in rows:
        identity_validate(doc_type, number)  # the demo data is valid by construction; prove it
    existing = set(CustomerIdentity.objects.filter(number__in=[r[1] for r in rows]).values_list("doc_type", "number"))
    todo = [r for r in rows if (r[0], r[1]) not in existing]
    if not todo:
        return 0
    halls = list(Hall.objects.order_by("code"))
    staff = Staff.objects.filter(username="rep1").first()
    now = timezone.now()
    identities = CustomerIdentity.objects.bulk_create([
        CustomerIdentity(doc_type=t, number=num, name=name, address=addr, checked_by=staff, checked_at=now,
                         checked_hall=halls[i % len(halls)] if halls else None)
        for i, (t, num, name, addr, _phone, _n) in enumerate(todo)
    ])
    if not identities[0].pk:  # backends that do not return ids from bulk inserts
        by_key = {(i.doc_type, i.number): i for i in CustomerIdentity.objects.filter(number__in=[r[1] for r in todo])}
        identities = [by_key[(r[0], r[1])] for r in todo]
    customers = Customer.objects.bulk_create([
        Customer(kind=Customer.Kind.ORGANIZATION if t == CustomerIdentity.DocType.USCC else Customer.Kind.INDIVIDUAL,
                 name=name, identity=identity, contact_phone=phone,
                 contact_address=addr, created_hall=identity.checked_hall, created_by=staff)
        for identity, (t, _num, name, addr, phone, _n) in zip(identities, todo, strict=True)
    ])
    if not customers[0].pk:
        by_identity = dict(Customer.objects.filter(identity__in=identities).values_list("identity_id", "pk"))
        for c in customers:
            c.pk = by_identity[c.identity_id]
    classes = []
    today = timezone.localdate()
    for c in customers:
        draw = rng.random()
        since = today - timedelta(days=rng.randint(30, 2000))
        if c.kind == Customer.Kind.ORGANIZATION and draw < 0.5 or draw < 0.12:
            classes.append(CustomerClass(customer=c, kind=CustomerClass.Kind.VIP, reason=rng.choice(VIP_REASONS),
                                         vip_level=rng.choice((1, 1, 2, 2, 3, 4, 5)), set_by=staff, since=since))
        elif draw > 0.985:
            classes.append(CustomerClass(customer=c, kind=CustomerClass.Kind.BLACKLIST, set_by=staff, since=since,
                                         reason=rng.choice(BLACK_REASONS)))
        elif draw > 0.975:
            classes.append(CustomerClass(customer=c, kind=CustomerClass.Kind.REDLIST, reason=rng.choice(RED_REASONS),
                                         set_by=staff, since=since))
    CustomerClass.objects.bulk_create(classes)
    if stdout is not None:
        stdout.write(f"customers: {len(customers)} customers, {len(classes)} classes")
    return len(customers)

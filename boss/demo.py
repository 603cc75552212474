"""Demo data of the kernel: halls, departments, one user per role, tariff parameters.

Every app may have a `demo.py` with `load(stdout)`; `manage.py demo_data` calls them in the order of
INSTALLED_APPS. Each loader is idempotent: running it again creates nothing new and changes no password.
"""

from django.db import transaction

from boss.models import Department, Hall, Staff
from boss.roles import roles_sync
from boss.tariffs import tariff_sync

DEMO_PASSWORD = "Counter-Demo-2026"

HALLS = [
    # code, name, kind, designated for cancellation, redemption hall, group SMS
    ("GZ-ZS01", "广州中山路自营厅", Hall.Kind.SELF_OPERATED, True, True, True),
    ("GZ-TH02", "广州天河自营厅", Hall.Kind.SELF_OPERATED, False, False, True),
    ("GZ-YZ03", "广州邮政储蓄代办点", Hall.Kind.PARTNER, False, False, False),
]

DEPARTMENTS = [
    # code, name, kind, parent
    ("ACCT", "帐务室", Department.Kind.ACCOUNT_ROOM, None),
    ("BIGC", "大客户室", Department.Kind.BIG_CUSTOMER_ROOM, None),
    ("DATA", "数据业务室", Department.Kind.DATA_BUSINESS_ROOM, None),
    ("CS", "分公司客服中心", Department.Kind.CUSTOMER_SERVICE, None),
    ("NET", "网络部", Department.Kind.COMPLAINT, None),
    ("SVC", "客户服务部", Department.Kind.COMPLAINT, None),
    ("CARD", "卡业务部", Department.Kind.COMPLAINT, None),
    ("VAS", "梦网增值业务部", Department.Kind.COMPLAINT, None),
    ("SUP", "支撑系统部", Department.Kind.COMPLAINT, None),
    ("BILL", "计费部", Department.Kind.COMPLAINT, None),
    ("MIS", "MIS部", Department.Kind.COMPLAINT, None),
    ("BBC", "分公司计费中心", Department.Kind.COMPLAINT, None),
    ("EOMS", "EOMS运维", Department.Kind.COMPLAINT, None),
    ("NET-TH", "天河区网管中心", Department.Kind.DISTRICT, "NET"),
    ("NET-YX", "越秀区网管中心", Department.Kind.DISTRICT, "NET"),
]

# username, family name, given name, role, hall code, department code
USERS = [
    ("rep1", "王", "芳", "sales_rep", "GZ-ZS01", None),
    ("rep2", "李", "娜", "sales_rep", "GZ-TH02", None),
    ("agent1", "赵", "磊", "sales_rep", "GZ-YZ03", None),
    ("cmgr1", "陈", "静", "customer_manager", "GZ-ZS01", None),
    ("store1", "刘", "洋", "store_manager", "GZ-ZS01", None),
    ("store2", "黄", "敏", "store_manager", "GZ-TH02", None),
    ("account1", "周", "杰", "account_clerk", None, "ACCT"),
    ("bigcust1", "吴", "婷", "big_customer_room", None, "BIGC"),
    ("databiz1", "郑", "浩", "data_business_room", None, "DATA"),
    ("reviewer1", "孙", "丽", "complaint_reviewer", None, "CS"),
    ("handler_net", "马", "强", "department_handler", None, "NET"),
    ("handler_bill", "朱", "琳", "department_handler", None, "BILL"),
    ("manager1", "胡", "斌", "manager", None, None),
    ("admin1", "郭", "勇", "admin", None, None),
]

def demo_totp_key(username: str) -> str:
    """The demo users' authenticator keys are fixed (hex, 20 bytes), so a person can add them to an app from
    the printed table; never used outside demo data."""
    import hashlib

    return hashlib.sha1(f"boss-demo-totp-{username}".encode()).hexdigest()


def demo_totp_secret(username: str) -> str:
    import base64

    return base64.b32encode(bytes.fromhex(demo_totp_key(username))).decode()


def _enrol_demo_mfa(user, role: str) -> None:
    """Demo users of the roles that need MFA come enrolled (a confirmed authenticator with the fixed key)."""
    from django.conf import settings
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if role in settings.BOSS_MFA_ROLES and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True, key=demo_totp_key(user.username))


@transaction.atomic
def load(stdout=None) -> int:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    roles_sync()
    tariff_sync()
    halls = {}
    for code, name, kind, designated, redemption, group_sms in HALLS:
        halls[code], _ = Hall.objects.get_or_create(code=code, defaults={
            "name": name, "kind": kind, "designated_for_cancellation": designated,
            "redemption_hall": redemption, "group_sms_allowed": group_sms})
    departments = {}
    for code, name, kind, parent in DEPARTMENTS:
        departments[code], _ = Department.objects.get_or_create(code=code, defaults={
            "name": name, "kind": kind, "parent": departments.get(parent)})
    created = 0
    # One hash for the one published demo password: PBKDF2 per user took 0.45 s each, 6 s of `make run`
    # (issue 20). A salt shared by accounts whose password is printed on screen protects nothing less.
    password = None
    for username, family, given, role, hall, dept in USERS:
        user, is_new = Staff.objects.get_or_create(username=username, defaults={
            "last_name": family, "first_name": given, "hall": halls.get(hall),
            "department": departments.get(dept), "is_staff": role == "admin"})
        if is_new:
            password = password or make_password(DEMO_PASSWORD)
            user.password = password
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role))
            created += 1
        _enrol_demo_mfa(user, role)
    return created


def logins_table() -> str:
    from boss.roles import role_label

    lines = ["", f"Demo logins (password for all: {DEMO_PASSWORD})",
             f"  {'user':<14}{'role':<22}workplace"]
    from django.conf import settings

    mfa = []
    for username, _family, _given, role, hall, dept in USERS:
        lines.append(f"  {username:<14}{role_label(role):<22}{hall or dept or '-'}")
        if role in settings.BOSS_MFA_ROLES:
            mfa.append(f"  {username:<14}{demo_totp_secret(username)}")
    if mfa and settings.BOSS_MFA_REQUIRED:
        lines += ["", "These roles also type a code from an authenticator app (TOTP key below), or run",
                  "  .venv/bin/python manage.py demo_totp <user>   for the current code:", *mfa]
    return "\n".join(lines)

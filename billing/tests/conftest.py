import itertools

import pytest

from customers.models import Account

_seq = itertools.count(1)


@pytest.fixture
def make_account(db):
    """make_account(**account_fields) → a billing Account of a new individual customer."""
    from customers.models import Customer, CustomerIdentity

    def make(**fields):
        n = next(_seq)
        identity = CustomerIdentity.objects.create(doc_type="passport", number=f"E{n:08d}", name=f"客户{n}")
        customer = Customer.objects.create(kind="individual", name=f"客户{n}", identity=identity)
        return Account.objects.create(customer=customer, **fields)

    return make


@pytest.fixture
def make_line(make_account, hall):
    """make_line(msisdn, **line_fields) → an active line of a new customer (activated a year ago)."""
    from datetime import date, timedelta

    from django.utils import timezone

    from catalog.models import Plan
    from customers.models import Line

    plan = Plan.objects.get_or_create(code="TEST58", defaults={"name": "测试套餐58", "monthly_fee": "58.00",
                                                              "valid_from": date(2020, 1, 1)})[0]

    def make(msisdn, **fields):
        account = fields.pop("account", None) or make_account()
        fields.setdefault("activated_at", timezone.now() - timedelta(days=365))
        status = fields.pop("status", Line.Status.ACTIVE)
        line = Line.objects.create(msisdn=msisdn, customer=account.customer, account=account, plan=plan, hall=hall,
                                   **fields)
        Line.objects.filter(pk=line.pk).update(status=status)  # the FSM field is protected
        line.refresh_from_db()
        return line

    return make


@pytest.fixture
def plan(db):
    """A plan with allowances: 58 yuan, 100 minutes, 10 SMS, 1 GB; 0.19/min, 0.10/SMS, 0.29/MB beyond;
    roaming 2.99/min, international long distance 4.60/min."""
    from datetime import date

    from catalog.models import Plan

    return Plan.objects.get_or_create(code="RATE58", defaults={
        "name": "计费测试套餐58", "monthly_fee": "58.00", "voice_minutes": 100, "sms_count": 10, "data_mb": 1024,
        "overage_per_minute": "0.19", "overage_per_sms": "0.10", "overage_per_mb": "0.29",
        "roaming_per_minute": "2.99", "long_distance_per_minute": "4.60", "valid_from": date(2020, 1, 1)})[0]


@pytest.fixture
def usage():
    """usage(line, when, kind="voice", seconds=0, kb=0, direction="out", roaming=False, long_distance=False)
    → a UsageRecord as an import would store it."""
    from billing.models import UsageRecord

    counter = itertools.count(1)

    def make(line, when, kind="voice", seconds=0, kb=0, direction="out", roaming=False, long_distance=False):
        return UsageRecord.objects.create(
            record_id=f"T{next(counter):08d}-{line.pk}", line=line, msisdn=line.msisdn, kind=kind, direction=direction,
            started_at=when, duration_seconds=seconds, volume_kb=kb,
            other_party="" if kind == "data" else "13900139000",
            roaming=roaming, long_distance=long_distance)

    return make


@pytest.fixture
def system(db):
    from boss.permissions import system_actor

    return system_actor()


@pytest.fixture
def bank_line(make_line, make_account, plan):
    """bank_line(msisdn, bank="ICBC", corporate=False) → an active line on the allowance plan whose account
    pays by bank collection (not prepaid), activated long ago."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    def make(msisdn="13800138000", bank="ICBC", corporate=False):
        account = make_account(payment_method="bank", realtime_prepaid=False, corporate=corporate, bank_code=bank,
                               bank_account_number=f"62220202001{msisdn[-8:]}", bank_account_holder="张三")
        line = make_line(msisdn, account=account, activated_at=datetime(2024, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai")))
        line.plan = plan
        line.save(update_fields=["plan"])
        return line

    return make


@pytest.fixture
def billed_month(system):
    """billed_month(period) → runs the bill run of that month to the end."""
    from billing.services.bill_run import bill_run_execute, bill_run_start

    def run(period):
        return bill_run_execute(actor=system, run=bill_run_start(actor=system, period=period))

    return run


@pytest.fixture
def clerk(make_staff):
    return make_staff("account_clerk", username="clerk_a", hall=None)


@pytest.fixture
def make_commitment(system):
    """make_commitment(line, amount, since, until=None, ended_on=None) → a LineCommitment of the line, as the
    opening or a number change records it."""
    from decimal import Decimal

    from customers.models import LineCommitment

    def make(line, amount, since, until=None, ended_on=None, reason=""):
        return LineCommitment.objects.create(
            line=line, msisdn=line.msisdn, grade_name="三级靓号", monthly_amount=Decimal(amount),
            agreement_months=12, since=since, until=until, ended_on=ended_on,
            end_reason=reason or (LineCommitment.EndReason.NUMBER_CHANGE if ended_on else ""))

    return make

"""Demo data of the partners app (idempotent): an operator sharing the joint blacklist (with an API key,
printed once when it is issued) and the postal-savings channel partner running the agent hall GZ-YZ03; a
joint-blacklist entry the operator sent about a registered customer with no line yet, so that opening a
line for them meets it; and yesterday's usage with a bulk-SMS spammer and a one-ring caller for the
tracing screen."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from billing.models import UsageRecord
from boss.models import Hall, Staff
from customers.models import Customer, Line
from partners.models import BlacklistEntry, Partner, PartnerKey
from partners.services import blacklist_rows_apply, partner_create, partner_hall_link, partner_key_issue
from partners.services.tracing import tracing_run
from partners.usage_patterns import spam_usage

OPERATOR = ("中国联通广州分公司", Partner.Category.OPERATOR, "OP-GZ-UNICOM")
POSTAL = ("广州邮政储蓄银行", Partner.Category.POSTAL_SAVINGS, "CH-GZ-POST")


def _partner(admin, name, category, number, **kw) -> Partner:
    partner = Partner.objects.exclude(status=Partner.Status.DELETED).filter(interface_number=number).first()
    return partner or partner_create(actor=admin, name=name, category=category, interface_number=number, **kw)


@transaction.atomic
def load(stdout=None) -> None:
    admin = Staff.objects.get(username="admin1")
    operator = _partner(admin, *OPERATOR, receives_blacklist=True, contact_name="黄经理")
    postal = _partner(admin, *POSTAL, contact_name="林主任")
    hall = Hall.objects.filter(code="GZ-YZ03").first()
    if hall is not None and not postal.halls.filter(hall=hall).exists():
        partner_hall_link(actor=admin, partner=postal, hall=hall)
    if not PartnerKey.objects.filter(partner=operator).exists():
        _key, raw = partner_key_issue(actor=admin, partner=operator, scopes=["blacklist.push", "blacklist.read"])
        if stdout:
            stdout.write(f"Partner API key of {operator.interface_number} (shown once): {raw}\n"
                         f"  curl -X POST -H 'Authorization: PartnerKey {raw}' -H 'Content-Type: application/json' "
                         "http://127.0.0.1:8000/api/v1/partner/blacklist/entries -d '{\"entries\": [...]}'\n")
    if not BlacklistEntry.objects.filter(partner=operator).exists():
        customer = (Customer.objects.filter(kind=Customer.Kind.INDIVIDUAL, lines__isnull=True)
                    .exclude(classes__kind="blacklist").select_related("identity").order_by("-pk").first())
        if customer is not None:
            blacklist_rows_apply(partner=operator, channel="api", rows=[{
                "identity_type": customer.identity.doc_type, "number": customer.identity.number,
                "reason": "恶意欠费，异网欠费未缴", "since": (timezone.localdate() - timedelta(days=40)).isoformat()}])
            if stdout:
                stdout.write(f"Joint blacklist: {customer.name} (customer {customer.pk}) is listed by "
                             f"{operator.name}; opening a line for them meets it.\n")


def load_history(stdout=None) -> None:
    """Yesterday's usage of two demo lines in spamming patterns, then the night's tracing run."""
    day = timezone.localdate() - timedelta(days=1)
    lines = list(Line.objects.filter(status=Line.Status.ACTIVE).order_by("-pk")[:2])
    if len(lines) < 2:
        return
    records = spam_usage(lines[0], day=day, rule="sms_bulk", count=420) + spam_usage(
        lines[1], day=day, rule="one_ring", count=75)
    UsageRecord.objects.bulk_create(records, ignore_conflicts=True, batch_size=1000)
    run = tracing_run(day=day)
    if stdout:
        stdout.write(f"Malicious-user tracing for {day}: {run.suspects} suspects (manager1 → 恶意用户追踪).\n")

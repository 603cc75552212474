from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from boss.models import AuditEvent
from customers.models import Account, Customer, CustomerIdentity
from customers.services.retention import ERASED_NAME, identities_purge_due
from customers.tests.factories import LineFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
ENDED = datetime(2024, 3, 1, 10, 0, tzinfo=SH)


def _ended_line(**kw):
    return LineFactory(status="cancelled", cancelled_at=ENDED, **kw)


def test_personal_data_are_erased_two_years_after_the_last_line_ended(rep):
    line = _ended_line()
    Account.objects.filter(pk=line.account_id).update(bank_account_number="6222021234567890123",
                                                       bank_account_holder="张三")
    customer, number = line.customer, line.customer.identity.number
    with time_machine.travel(ENDED + timedelta(days=729)):
        assert identities_purge_due(actor=rep) == 0  # still within the two years
    with time_machine.travel(ENDED + timedelta(days=731)):
        assert identities_purge_due(actor=rep) == 1
        assert identities_purge_due(actor=rep) == 0  # run twice: nothing more
    customer.refresh_from_db()
    identity = CustomerIdentity.objects.get(pk=customer.identity_id)
    assert customer.name == ERASED_NAME and customer.contact_phone == "" and identity.address == ""
    assert identity.number != number and identity.purged_at is not None
    assert Account.objects.get(pk=line.account_id).bank_account_number == ""
    event = AuditEvent.objects.get(action="identity.purge")
    assert number not in str(event.after) and number not in event.target_repr


def test_a_customer_with_a_live_line_or_a_recent_end_is_kept(rep):
    kept = _ended_line()
    LineFactory(customer=kept.customer, status="active", msisdn="13700000001")
    recent = LineFactory(status="cancelled", cancelled_at=ENDED + timedelta(days=400), msisdn="13700000002")
    with time_machine.travel(ENDED + timedelta(days=800)):
        assert identities_purge_due(actor=rep) == 0
    assert Customer.objects.filter(pk__in=[kept.customer_id, recent.customer_id],
                                   identity__purged_at__isnull=True).count() == 2

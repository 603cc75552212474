"""identity_reveal: permission, reason, hourly limit, and an audit event that never holds the value."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from boss.errors import NotPermitted
from boss.models import AuditEvent, TariffParameter
from boss.tariffs import tariff_cache_clear
from customers.errors import ReasonRequiredError, RevealFieldError, RevealLimitError
from customers.services import identity_reveal

pytestmark = pytest.mark.django_db


def _reveals():
    return AuditEvent.objects.filter(action="identity.reveal")


@pytest.mark.parametrize(("field", "attr"), [("number", "identity.number"), ("address", "identity.address"),
                                             ("contact_phone", "contact_phone"),
                                             ("contact_address", "contact_address")])
def test_a_store_manager_sees_the_full_value_and_the_audit_has_no_value(manager, customer, field, attr):
    expected = customer.identity.number if attr == "identity.number" else (
        customer.identity.address if attr == "identity.address" else getattr(customer, attr))
    value = identity_reveal(actor=manager, customer=customer, field=field, reason="核对身份证原件")
    assert value == expected
    event = _reveals().get()
    assert event.actor == manager and event.hall == manager.hall and event.reason == "核对身份证原件"
    assert event.after == {"field": field} and event.target_id == str(customer.pk)
    for column in (event.before, event.after, event.reason, event.target_repr):
        assert expected not in str(column)


def test_an_account_clerk_may_reveal(make_staff, customer):
    clerk = make_staff("account_clerk", username="clerk", hall=None)
    assert identity_reveal(actor=clerk, customer=customer, field="number", reason="托收户主核对")


@pytest.mark.parametrize("role", ["sales_rep", "customer_manager", "manager", "complaint_reviewer"])
def test_other_roles_may_not_reveal(make_staff, customer, role):
    with pytest.raises(NotPermitted):
        identity_reveal(actor=make_staff(role, username=f"u_{role}"), customer=customer, field="number", reason="看看")
    assert not _reveals().exists()


@pytest.mark.parametrize("reason", ["", " ", "x"])
def test_a_reason_is_required(manager, customer, reason):
    with pytest.raises(ReasonRequiredError):
        identity_reveal(actor=manager, customer=customer, field="number", reason=reason)
    assert not _reveals().exists()


def test_only_known_fields(manager, customer):
    with pytest.raises(RevealFieldError) as exc:
        identity_reveal(actor=manager, customer=customer, field="service_password", reason="核对")
    assert exc.value.code == "field_not_revealable"
    assert not _reveals().exists()


def test_the_hourly_limit_is_a_tariff_and_counts_the_last_hour_only(manager, customer, time_machine):
    TariffParameter.objects.update_or_create(key="privacy.reveals_per_hour", defaults={"value": "3"})
    tariff_cache_clear()
    start = datetime(2026, 5, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    time_machine.move_to(start, tick=False)
    for _ in range(3):
        identity_reveal(actor=manager, customer=customer, field="number", reason="核对证件")
    with pytest.raises(RevealLimitError) as exc:
        identity_reveal(actor=manager, customer=customer, field="number", reason="核对证件")
    assert exc.value.code == "reveal_limit" and exc.value.status == 429
    assert _reveals().count() == 3
    time_machine.move_to(start + timedelta(hours=1, seconds=1), tick=False)
    assert identity_reveal(actor=manager, customer=customer, field="number", reason="核对证件")


def test_the_limit_is_per_user(make_staff, manager, customer):
    TariffParameter.objects.update_or_create(key="privacy.reveals_per_hour", defaults={"value": "1"})
    tariff_cache_clear()
    identity_reveal(actor=manager, customer=customer, field="number", reason="核对证件")
    other = make_staff("store_manager", username="store_mgr_2")
    assert identity_reveal(actor=other, customer=customer, field="number", reason="核对证件")

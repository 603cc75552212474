"""line_create: the per-identity limit (一证五号) with the group's national count, failing closed."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from boss.errors import NotPermitted
from boss.models import AuditEvent, TariffParameter
from boss.tariffs import tariff_cache_clear
from customers.errors import (
    BadIccidError,
    BadMobileNumberError,
    IdentityLineLimitError,
    NationalCapError,
    NationalCountUnavailableError,
    NumberInUseError,
    PlanNotAvailableError,
    TrivialServicePasswordError,
)
from customers.models import Line
from customers.national import NationalCount, SimulatedNationalCountService, identity_national_count
from customers.passwords import service_password_check
from customers.services import line_create
from customers.tests.factories import AccountFactory, LineFactory, PlanFactory

pytestmark = pytest.mark.django_db


def _set(key, value):
    TariffParameter.objects.update_or_create(key=key, defaults={"value": value})
    tariff_cache_clear()


@pytest.fixture
def account(customer):
    return AccountFactory(customer=customer)


def _open(rep, customer, account, plan, msisdn="13912345678", **kw):
    return line_create(actor=rep, customer=customer, account=account, plan=plan, msisdn=msisdn, hall=rep.hall,
                       iccid="89860012345678901234", **kw)


def _hold(customer, n, status=Line.Status.ACTIVE):
    for _ in range(n):
        LineFactory(customer=customer, status=status)


def _lines_created():
    return AuditEvent.objects.filter(action="line.create").count()


def test_creates_a_line_awaiting_activation_and_audits(rep, customer, account, plan):
    line = _open(rep, customer, account, plan, msisdn="+86 139-1234-5678", service_password="135790")
    assert (line.msisdn, line.status, line.hall, line.iccid) == ("13912345678", "pending_activation", rep.hall,
                                                                 "89860012345678901234")
    assert line.service_password != "135790" and service_password_check("135790", line.service_password)
    event = AuditEvent.objects.get(action="line.create")
    assert event.target_id == str(line.pk) and event.after["identity_lines"] == 1 and event.after["limit"] == 5


def test_the_fifth_line_is_allowed_and_the_sixth_refused(rep, customer, account, plan):
    _hold(customer, 4)
    _open(rep, customer, account, plan, msisdn="13912345678")
    with pytest.raises(IdentityLineLimitError) as exc:
        _open(rep, customer, account, plan, msisdn="13912345679")
    assert exc.value.code == "identity_line_limit" and exc.value.params["held"] == 5
    assert "5" in str(exc.value.message)
    assert not Line.objects.filter(msisdn="13912345679").exists() and _lines_created() == 1


def test_only_the_configured_states_count(rep, customer, account, plan):
    _hold(customer, 4, Line.Status.CANCELLED)
    _hold(customer, 4, Line.Status.PENDING_CANCELLATION)
    _open(rep, customer, account, plan)  # 4 counted + this one
    _set("identity.counted_line_states", "active")
    _open(rep, customer, account, plan, msisdn="13912345670")  # now nothing active: 0 counted


def test_lines_awaiting_activation_count_by_default(rep, customer, account, plan):
    _hold(customer, 5, Line.Status.PENDING_ACTIVATION)
    with pytest.raises(IdentityLineLimitError):
        _open(rep, customer, account, plan)


def test_unknown_state_names_in_the_tariff_count_nothing_and_do_not_break(rep, customer, account, plan):
    _set("identity.counted_line_states", "active,actve")
    _hold(customer, 5)
    with pytest.raises(IdentityLineLimitError):
        _open(rep, customer, account, plan)


def test_the_limit_is_a_tariff_parameter(rep, customer, account, plan):
    _set("identity.max_lines", "2")
    _hold(customer, 2)
    with pytest.raises(IdentityLineLimitError) as exc:
        _open(rep, customer, account, plan)
    assert exc.value.params["limit"] == 2


def test_lines_in_other_provinces_count(rep, customer, account, plan, monkeypatch):
    _hold(customer, 2)
    monkeypatch.setattr(SimulatedNationalCountService, "other_provinces", {customer.identity.number: 3})
    with pytest.raises(IdentityLineLimitError) as exc:
        _open(rep, customer, account, plan)
    assert exc.value.params == {"held": 5, "limit": 5, "local": 2, "other_provinces": 3}
    assert not Line.objects.filter(msisdn="13912345678").exists()


def test_the_group_service_down_refuses_the_opening(rep, customer, account, plan, monkeypatch):
    monkeypatch.setattr(SimulatedNationalCountService, "down", True)
    with pytest.raises(NationalCountUnavailableError) as exc:
        _open(rep, customer, account, plan)
    assert exc.value.code == "national_count_unavailable" and exc.value.status == 503
    assert not Line.objects.exists() and _lines_created() == 0


def test_a_group_service_slower_than_the_timeout_refuses(rep, customer, account, plan, monkeypatch):
    _set("identity.national_count_timeout_seconds", "0")
    monkeypatch.setattr(SimulatedNationalCountService, "latency_ms", 50)
    with pytest.raises(NationalCountUnavailableError):
        _open(rep, customer, account, plan)
    assert not Line.objects.exists()


def test_a_malformed_answer_refuses(rep, customer, monkeypatch):
    monkeypatch.setattr(SimulatedNationalCountService, "count", lambda self, **kw: NationalCount(other_provinces=-1))
    with pytest.raises(NationalCountUnavailableError):
        identity_national_count(identity=customer.identity)


def test_the_down_setting_makes_the_simulation_fail(customer, settings):
    settings.BOSS_NATIONAL_COUNT_DOWN = True
    with pytest.raises(NationalCountUnavailableError):
        identity_national_count(identity=customer.identity)


def test_another_backend_is_chosen_in_settings(customer, settings):
    settings.BOSS_NATIONAL_COUNT_BACKEND = "customers.tests.services.test_line_create.FixedService"
    assert identity_national_count(identity=customer.identity) == NationalCount(other_provinces=1, other_operators=2)


class FixedService:
    def count(self, *, doc_type, number, timeout):
        return NationalCount(other_provinces=1, other_operators=2)


def test_a_prefetched_national_answer_is_used_without_asking(rep, customer, account, plan, monkeypatch):
    monkeypatch.setattr(SimulatedNationalCountService, "down", True)
    line = _open(rep, customer, account, plan, national=NationalCount(other_provinces=0))
    assert line.pk


def test_the_cross_operator_cap_when_enabled(rep, customer, account, plan, monkeypatch):
    _set("identity.national_cap_enabled", "true")
    _hold(customer, 2)
    monkeypatch.setattr(SimulatedNationalCountService, "other_operators", {customer.identity.number: 8})
    with pytest.raises(NationalCapError) as exc:
        _open(rep, customer, account, plan)
    assert exc.value.code == "national_line_cap" and exc.value.params == {"held": 10, "limit": 10}
    with pytest.raises(NationalCountUnavailableError):  # the cap is on but the group does not know
        _open(rep, customer, account, plan, national=NationalCount(other_provinces=0, other_operators=None))
    assert not Line.objects.filter(msisdn="13912345678").exists()


def test_a_number_live_on_another_line_is_refused(rep, customer, account, plan):
    LineFactory(msisdn="13912345678")
    with pytest.raises(NumberInUseError) as exc:
        _open(rep, customer, account, plan)
    assert exc.value.code == "number_unavailable"
    assert Line.objects.filter(msisdn="13912345678").count() == 1 and _lines_created() == 0


def test_a_cancelled_numbers_line_does_not_block_reuse(rep, customer, account, plan):
    LineFactory(msisdn="13912345678", status=Line.Status.CANCELLED)
    assert _open(rep, customer, account, plan).msisdn == "13912345678"


def test_the_actor_acts_for_their_own_hall(rep, other_hall, customer, account, plan):
    with pytest.raises(NotPermitted):
        line_create(actor=rep, customer=customer, account=account, plan=plan, msisdn="13912345678", hall=other_hall)
    assert not Line.objects.exists()


def test_a_plan_not_on_sale_is_refused(rep, customer, account):
    today = timezone.localdate()
    for plan in (PlanFactory(valid_from=today + timedelta(days=1)),
                 PlanFactory(valid_from=date(2020, 1, 1), valid_until=today - timedelta(days=1))):
        with pytest.raises(PlanNotAvailableError):
            _open(rep, customer, account, plan)
    assert not Line.objects.exists()


@pytest.mark.parametrize(("kwargs", "error"), [({"msisdn": "12345"}, BadMobileNumberError),
                                               ({"iccid": "1234"}, BadIccidError),
                                               ({"service_password": "123456"}, TrivialServicePasswordError)])
def test_bad_input_is_refused_before_anything_is_written(rep, customer, account, plan, kwargs, error):
    data = {"msisdn": "13912345678", "iccid": "89860012345678901234", **kwargs}
    with pytest.raises(error):
        line_create(actor=rep, customer=customer, account=account, plan=plan, hall=rep.hall, **data)
    assert not Line.objects.exists()


def test_the_service_password_may_not_come_from_the_id(rep, plan):
    from customers.errors import ServicePasswordFromIdentityError
    from customers.tests.factories import CustomerFactory

    owner = CustomerFactory(identity__number="440524188001010014")
    with pytest.raises(ServicePasswordFromIdentityError):
        _open(rep, owner, AccountFactory(customer=owner), plan, service_password="010014")
    assert not Line.objects.exists()

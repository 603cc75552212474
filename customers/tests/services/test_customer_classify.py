"""Classification (VIP with level, blacklist, redlist), revoking, and the blacklist check with override."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from boss.errors import NotPermitted
from boss.models import AuditEvent
from customers.errors import (
    ClassAlreadyActiveError,
    ClassAlreadyRevokedError,
    ClassConflictError,
    ClassInvalidError,
    CustomerBlacklistedError,
    OverrideNotPermittedError,
    ReasonRequiredError,
)
from customers.models import CustomerClass
from customers.services import customer_class_revoke, customer_classify, customer_ensure_not_blacklisted
from customers.tests.factories import CustomerClassFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 5, 10)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime(2026, 5, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))


@pytest.fixture
def cmgr(make_staff):
    return make_staff("customer_manager", username="cmgr")


def _no_class_written():
    return not CustomerClass.objects.exists() and not AuditEvent.objects.filter(action="customer.classify").exists()


class TestClassify:
    def test_a_vip_with_level_from_today_open_ended_and_audited(self, cmgr, customer):
        klass = customer_classify(actor=cmgr, customer=customer, kind="vip", vip_level=3, reason="月均消费超过500元")
        assert (klass.kind, klass.vip_level, klass.since, klass.until, klass.set_by) == ("vip", 3, TODAY, None, cmgr)
        assert klass.is_active()
        event = AuditEvent.objects.get(action="customer.classify")
        assert event.target_id == str(customer.pk) and event.reason == "月均消费超过500元"
        assert event.after["kind"] == "vip" and event.after["vip_level"] == 3

    def test_a_store_manager_blacklists_with_a_period(self, manager, customer):
        klass = customer_classify(actor=manager, customer=customer, kind="blacklist", reason="恶意欠费",
                                  until=TODAY + timedelta(days=365))
        assert klass.vip_level is None and klass.until == TODAY + timedelta(days=365)

    def test_a_customer_manager_may_not_blacklist(self, cmgr, customer):
        with pytest.raises(NotPermitted):
            customer_classify(actor=cmgr, customer=customer, kind="blacklist", reason="x")
        assert _no_class_written()

    def test_a_rep_may_not_classify_at_all(self, rep, customer):
        with pytest.raises(NotPermitted):
            customer_classify(actor=rep, customer=customer, kind="vip", vip_level=1, reason="x")
        assert _no_class_written()

    def test_a_reason_is_required(self, cmgr, customer):
        with pytest.raises(ReasonRequiredError) as exc:
            customer_classify(actor=cmgr, customer=customer, kind="redlist", reason="  ")
        assert exc.value.code == "reason_required" and exc.value.field == "reason"
        assert _no_class_written()

    @pytest.mark.parametrize("level", [None, 0, 6])
    def test_vip_needs_a_level_within_the_tariff(self, cmgr, customer, level):
        with pytest.raises(ClassInvalidError) as exc:
            customer_classify(actor=cmgr, customer=customer, kind="vip", vip_level=level, reason="x")
        assert exc.value.field == "vip_level"
        assert _no_class_written()

    def test_the_highest_level_is_a_tariff_parameter(self, cmgr, customer):
        from boss.models import TariffParameter
        from boss.tariffs import tariff_cache_clear

        TariffParameter.objects.update_or_create(key="customer.vip_max_level", defaults={"value": "7"})
        tariff_cache_clear()
        assert customer_classify(actor=cmgr, customer=customer, kind="vip", vip_level=7, reason="x").vip_level == 7

    def test_only_vips_have_a_level(self, cmgr, customer):
        with pytest.raises(ClassInvalidError):
            customer_classify(actor=cmgr, customer=customer, kind="redlist", vip_level=2, reason="x")
        assert _no_class_written()

    def test_unknown_class(self, cmgr, customer):
        with pytest.raises(ClassInvalidError):
            customer_classify(actor=cmgr, customer=customer, kind="gold", reason="x")

    @pytest.mark.parametrize(("since", "until"), [(None, TODAY - timedelta(days=1)),
                                                  (TODAY + timedelta(days=10), TODAY + timedelta(days=5))])
    def test_the_period_must_end_after_it_starts_and_not_in_the_past(self, cmgr, customer, since, until):
        with pytest.raises(ClassInvalidError) as exc:
            customer_classify(actor=cmgr, customer=customer, kind="redlist", reason="x", since=since, until=until)
        assert exc.value.field == "until"
        assert _no_class_written()

    def test_a_second_class_of_the_same_kind_overlapping_is_refused(self, cmgr, customer):
        customer_classify(actor=cmgr, customer=customer, kind="vip", vip_level=2, reason="x")
        with pytest.raises(ClassAlreadyActiveError) as exc:
            customer_classify(actor=cmgr, customer=customer, kind="vip", vip_level=4, reason="y")
        assert exc.value.code == "class_already_active"
        assert CustomerClass.objects.count() == 1

    def test_a_later_period_after_an_ending_one_is_allowed(self, cmgr, customer):
        customer_classify(actor=cmgr, customer=customer, kind="vip", vip_level=2, reason="x",
                          until=TODAY + timedelta(days=30))
        later = customer_classify(actor=cmgr, customer=customer, kind="vip", vip_level=3, reason="y",
                                  since=TODAY + timedelta(days=31))
        assert not later.is_active() and later.is_active(TODAY + timedelta(days=31))

    def test_blacklist_and_redlist_at_once_conflict(self, manager, customer):
        customer_classify(actor=manager, customer=customer, kind="redlist", reason="保障号码")
        with pytest.raises(ClassConflictError) as exc:
            customer_classify(actor=manager, customer=customer, kind="blacklist", reason="欠费")
        assert exc.value.code == "class_conflict"
        assert CustomerClass.objects.count() == 1

    def test_a_customer_may_be_vip_and_redlisted(self, manager, customer):
        customer_classify(actor=manager, customer=customer, kind="vip", vip_level=1, reason="x")
        customer_classify(actor=manager, customer=customer, kind="redlist", reason="y")
        assert CustomerClass.objects.filter(customer=customer).count() == 2


class TestRevoke:
    def test_revoking_keeps_the_row_with_who_when_and_why(self, cmgr, customer):
        klass = CustomerClassFactory(customer=customer, kind="vip", vip_level=2)
        customer_class_revoke(actor=cmgr, customer_class=klass, reason="消费下降")
        klass.refresh_from_db()
        assert klass.revoked_by == cmgr and klass.revoke_reason == "消费下降" and klass.revoked_at
        assert not klass.is_active()
        event = AuditEvent.objects.get(action="customer.class_revoke")
        assert event.before["class_id"] == klass.pk and event.reason == "消费下降"

    def test_revoking_twice_is_refused(self, cmgr, customer):
        klass = CustomerClassFactory(customer=customer)
        customer_class_revoke(actor=cmgr, customer_class=klass, reason="a")
        with pytest.raises(ClassAlreadyRevokedError):
            customer_class_revoke(actor=cmgr, customer_class=klass, reason="b")
        assert AuditEvent.objects.filter(action="customer.class_revoke").count() == 1

    def test_revoking_a_blacklist_needs_the_blacklist_permission(self, cmgr, manager, customer):
        klass = CustomerClassFactory(customer=customer, kind="blacklist")
        with pytest.raises(NotPermitted):
            customer_class_revoke(actor=cmgr, customer_class=klass, reason="a")
        klass.refresh_from_db()
        assert klass.revoked_at is None
        customer_class_revoke(actor=manager, customer_class=klass, reason="已结清欠费")

    def test_a_reason_is_required(self, cmgr, customer):
        klass = CustomerClassFactory(customer=customer)
        with pytest.raises(ReasonRequiredError):
            customer_class_revoke(actor=cmgr, customer_class=klass, reason="")
        klass.refresh_from_db()
        assert klass.revoked_at is None


class TestBlacklistCheck:
    def test_a_customer_not_on_the_blacklist_passes_and_nothing_is_written(self, rep, customer):
        CustomerClassFactory(customer=customer, kind="vip")
        result = customer_ensure_not_blacklisted(actor=rep, customer=customer)
        assert not result.blacklisted and result.overridden_by is None
        assert not AuditEvent.objects.exists()

    def test_an_ended_or_revoked_blacklist_does_not_count(self, rep, customer):
        CustomerClassFactory(customer=customer, kind="blacklist", vip_level=None, since=date(2024, 1, 1),
                             until=date(2025, 1, 1))
        assert not customer_ensure_not_blacklisted(actor=rep, customer=customer).blacklisted

    def test_a_blacklisted_customer_is_refused_with_the_reason(self, rep, customer):
        CustomerClassFactory(customer=customer, kind="blacklist", reason="恶意欠费")
        with pytest.raises(CustomerBlacklistedError) as exc:
            customer_ensure_not_blacklisted(actor=rep, customer=customer)
        assert exc.value.code == "customer_blacklisted" and "恶意欠费" in str(exc.value.message)
        assert not AuditEvent.objects.exists()

    def test_a_manager_override_passes_and_is_audited(self, rep, manager, customer):
        CustomerClassFactory(customer=customer, kind="blacklist")
        result = customer_ensure_not_blacklisted(actor=rep, customer=customer, override_by=manager, reason="已结清")
        assert result.blacklisted and result.overridden_by == manager
        event = AuditEvent.objects.get(action="customer.blacklist_override")
        assert event.actor == rep and event.after["override_by"] == manager.username and event.reason == "已结清"

    def test_an_override_by_someone_without_the_permission_is_refused(self, rep, make_staff, customer):
        CustomerClassFactory(customer=customer, kind="blacklist")
        other_rep = make_staff("sales_rep", username="rep_other")
        with pytest.raises(OverrideNotPermittedError) as exc:
            customer_ensure_not_blacklisted(actor=rep, customer=customer, override_by=other_rep, reason="x")
        assert exc.value.code == "override_not_permitted" and exc.value.status == 403
        assert not AuditEvent.objects.exists()

    def test_an_inactive_manager_cannot_override(self, rep, manager, customer):
        CustomerClassFactory(customer=customer, kind="blacklist")
        manager.is_active = False
        manager.save()
        with pytest.raises(OverrideNotPermittedError):
            customer_ensure_not_blacklisted(actor=rep, customer=customer, override_by=manager, reason="x")

    def test_an_override_needs_a_reason(self, rep, manager, customer):
        CustomerClassFactory(customer=customer, kind="blacklist")
        with pytest.raises(ReasonRequiredError):
            customer_ensure_not_blacklisted(actor=rep, customer=customer, override_by=manager, reason=" ")
        assert not AuditEvent.objects.exists()

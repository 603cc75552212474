"""A staff member's permission set is kept per process for a few seconds (boss/backends.py): no two
permission queries on every API request, and a change of roles made here takes effect at once."""

import pytest
from django.contrib.auth.models import Group, Permission

import boss.backends as backends
from boss.backends import permission_cache_clear
from boss.models import Staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.BOSS_PERMISSION_CACHE_SECONDS = 10
    permission_cache_clear()
    yield
    permission_cache_clear()


def _fresh(user):
    return Staff.objects.get(pk=user.pk)  # as each request loads its user


def test_the_second_request_reads_no_permissions(cached, rep, django_assert_num_queries):
    user = _fresh(rep)
    with django_assert_num_queries(2):  # the user's own and the groups' permissions, once
        assert user.has_perm("orders.open_account")
    user = _fresh(rep)
    with django_assert_num_queries(0):
        assert user.has_perm("orders.open_account") and not user.has_perm("boss.approve_export")


def test_a_role_taken_away_here_applies_at_once(cached, rep):
    assert _fresh(rep).has_perm("orders.open_account")
    rep.groups.clear()
    assert not _fresh(rep).has_perm("orders.open_account")


def test_a_group_losing_a_permission_applies_at_once(cached, rep):
    assert _fresh(rep).has_perm("orders.open_account")
    group = Group.objects.get(name="sales_rep")
    group.permissions.remove(Permission.objects.get(codename="open_account", content_type__app_label="orders"))
    assert not _fresh(rep).has_perm("orders.open_account")


def test_a_change_made_by_another_process_applies_within_the_set_seconds(cached, rep, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(backends.time, "monotonic", lambda: clock[0])
    assert _fresh(rep).has_perm("orders.open_account")
    # another process removes the role: no signal reaches this one
    Staff.groups.through.objects.filter(staff_id=rep.pk).delete()
    assert _fresh(rep).has_perm("orders.open_account")  # kept here for up to 10 s
    clock[0] += 10.1
    assert not _fresh(rep).has_perm("orders.open_account")


def test_an_account_switched_off_is_refused_at_once_whatever_the_cache(cached, rep):
    assert _fresh(rep).has_perm("orders.open_account")
    Staff.objects.filter(pk=rep.pk).update(is_active=False)  # no signal: a bulk update
    assert not _fresh(rep).has_perm("orders.open_account")


def test_switched_off_the_permissions_are_read_on_every_request(settings, rep, django_assert_num_queries):
    settings.BOSS_PERMISSION_CACHE_SECONDS = 0
    _fresh(rep).has_perm("orders.open_account")
    user = _fresh(rep)
    with django_assert_num_queries(2):
        user.has_perm("orders.open_account")

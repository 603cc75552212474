"""Each role against each reports screen. The expected table is written out here on purpose: it is the
specification reports/roles.py and billing/roles.py (the close's permissions) must satisfy."""

import pytest
from django.urls import reverse

from boss.roles import ROLES

ALL = set(ROLES)
COUNTER = {"sales_rep", "customer_manager", "store_manager"}
MANAGERS = {"store_manager", "manager"}

SCREENS = {
    "reports:drawer_close": COUNTER,
    "reports:hall_day": MANAGERS,
    "reports:business": MANAGERS,
    "reports:business_csv": MANAGERS,
    "reports:month_plan": MANAGERS,
}

# The permissions behind the buttons of the hall's day (the screen shows only what the role may do).
ACTIONS = {
    "billing.close_hall_day": {"store_manager"},
    "billing.approve_drawer_difference": MANAGERS,
    "billing.reopen_hall_day": {"manager"},
    "billing.close_own_drawer": COUNTER,
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize("url_name", sorted(SCREENS))
def test_screen_permission_matrix(client, make_staff, role, url_name):
    client.force_login(make_staff(role, username=f"u_{role}"))
    response = client.get(reverse(url_name))
    expected = 200 if role in SCREENS[url_name] else 403
    assert response.status_code == expected, f"{role} on {url_name}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL))
def test_action_permission_matrix(make_staff, role):
    user = make_staff(role, username=f"a_{role}")
    assert {p for p in ACTIONS if user.has_perm(p)} == {p for p, roles in ACTIONS.items() if role in roles}

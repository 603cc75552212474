"""One shortcut key per function, shown on screen (issue 11 item 12, ui.md): on the counter home of every
role, every access key of the navigation and the top bar opens one thing and shows its key (<kbd>).
The walk over the demo's screens (tests/test_no_raw_codes.py) checks the same on every page."""

import pytest
from django.urls import reverse

from boss.roles import ROLES
from tests.test_no_raw_codes import _shortcut_problems


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_roles_navigation_has_one_key_per_function_each_shown(client, make_staff, role):
    client.force_login(make_staff(role, username=f"keys_{role}"))
    html = client.get(reverse("home"), follow=True).content.decode()
    assert 'accesskey="' in html
    assert _shortcut_problems(html) == []

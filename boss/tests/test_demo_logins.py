"""The demo's logins (boss/demo.py): every demo account signs in with the one printed password, whose hash
is made once for all of them (issue 20: `make run`), and loading again changes no password."""

import pytest

from boss.demo import DEMO_PASSWORD, USERS, load
from boss.models import Staff


@pytest.mark.django_db
def test_every_demo_account_signs_in_with_the_printed_password_and_a_reload_keeps_it():
    load()
    usernames = [row[0] for row in USERS]
    hashes = dict(Staff.objects.filter(username__in=usernames).values_list("username", "password"))
    assert set(hashes) == set(usernames)
    for username in usernames:
        assert Staff.objects.get(username=username).check_password(DEMO_PASSWORD), username
    assert not Staff.objects.get(username="rep1").check_password(DEMO_PASSWORD + "x")

    load()
    assert dict(Staff.objects.filter(username__in=usernames).values_list("username", "password")) == hashes

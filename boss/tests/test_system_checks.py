"""Django's system checks find nothing, on SQLite (`make run`, `make test`) as on PostgreSQL: `migrate` and
every management command print their findings before their own output, and a newcomer's first `make run` is
no place for a warning that asks nothing of them."""

import pytest
from django.core import checks


@pytest.mark.django_db
def test_the_system_checks_find_no_warning_and_no_error():
    found = [f"{message.id}: {message.msg}" for message in checks.run_checks(databases=["default"])
             if message.level >= checks.WARNING and not message.is_silenced()]
    assert found == []

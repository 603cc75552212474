"""Migration 0003 hashes the secret addresses of the devices already set up: they keep working."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from boss.tests.factories import HallFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE, AFTER = ("hall", "0002_device_api"), ("hall", "0003_device_token_hash")


def test_an_old_address_works_after_migrating(client):
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old_apps = executor.loader.project_state([BEFORE]).apps
    hall = HallFactory(code="HM", name="迁移厅")
    OldDevice = old_apps.get_model("hall", "HallDevice")  # noqa: N806
    OldDevice.objects.create(hall_id=hall.pk, kind="ticket_machine", name="取号机", token="old-machine-secret")
    OldDevice.objects.create(hall_id=hall.pk, kind="display", name="显示屏", token="old-display-secret",
                             active=False)
    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from hall.models import HallDevice

    hashes = list(HallDevice.objects.values_list("token_hash", flat=True))
    assert len(hashes) == 2 and not any("secret" in h for h in hashes)
    assert client.get(reverse("hall:ticket_machine", args=["old-machine-secret"])).status_code == 200
    assert client.get("/api/v1/hall/device", HTTP_AUTHORIZATION="Device old-machine-secret").status_code == 200
    # A switched-off device stays refused.
    assert client.get(reverse("hall:display", args=["old-display-secret"])).status_code == 404

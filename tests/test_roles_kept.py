"""The transactional tests' teardown (conftest.database_empty) empties every table but the ones post_migrate
fills and no test changes: the role groups keep exactly their permissions, the tariff parameters come back
with their defaults, and so do the VPMN discount the demo needs and the suggestion category the portal offers;
everything else is gone."""

import pytest
from django.contrib.auth.models import Group

from boss.models import Hall, TariffParameter
from boss.roles import role_permissions
from boss.tariffs import REGISTRY
from catalog.models import Discount
from complaints.models import ComplaintCategory
from conftest import database_empty
from groups.services.vpmn import VPMN_DISCOUNT_CODE


@pytest.mark.django_db(transaction=True)
def test_emptying_keeps_the_roles_and_the_tariff_defaults_and_nothing_else(make_staff):
    make_staff("sales_rep", username="kept_rep")
    TariffParameter.objects.filter(key=next(iter(REGISTRY))).update(value="changed")
    assert Hall.objects.exists()

    database_empty("default")

    assert not Hall.objects.exists()
    for role, perms in role_permissions().items():
        held = {f"{p.content_type.app_label}.{p.codename}"
                for p in Group.objects.get(name=role).permissions.select_related("content_type")}
        assert held == set(perms), role
    defaults = {p.key: p.default for p in REGISTRY.values()}
    assert dict(TariffParameter.objects.values_list("key", "value")) == defaults
    assert Discount.objects.filter(code=VPMN_DISCOUNT_CODE, active=True).exists()   # the demo needs it
    assert ComplaintCategory.objects.filter(code="SUGGESTION", kind="suggestion").exists()   # the portal offers it


@pytest.mark.django_db(transaction=True)
def test_emptying_empties_the_append_only_tables_and_leaves_their_triggers_on(make_staff):
    """On PostgreSQL the rows are deleted with triggers off for that one transaction (conftest): the audit's
    append-only rows go too, and the trigger refuses a delete again afterwards."""
    from django.db import DatabaseError, connection, transaction

    from boss.audit import audit_record
    from boss.models import AuditEvent

    rep = make_staff("sales_rep", username="kept_rep2")
    audit_record(actor=rep, action="test.emptying")
    database_empty("default")
    assert not AuditEvent.objects.exists()

    from boss.tests.factories import HallFactory, StaffFactory

    audit_record(actor=StaffFactory(hall=HallFactory(code="KEPT02")), action="test.emptying")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM boss_auditevent")
    assert AuditEvent.objects.count() == 1

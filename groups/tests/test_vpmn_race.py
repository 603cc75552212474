"""Two counters adding the same number to two groups at the same moment (PostgreSQL): exactly one wins, the
other gets a clean refusal, and the line is in one group only."""

import pytest

from boss.tests.threads import run_concurrently
from customers.models import LineDiscount
from customers.tests.factories import CustomerFactory, LineFactory, OrganizationFactory
from groups.errors import VpmnNumberTakenError
from groups.models import GroupCustomer, VpmnMember
from groups.services import (
    vpmn_application_create,
    vpmn_application_sign,
    vpmn_callout_record,
    vpmn_discounts_open,
    vpmn_documents_required,
    vpmn_group_issue,
)
from groups.tests.conftest import rows
from provisioning.models import WorkOrder

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _vpmn_discount_in_the_catalogue():
    """The discount its migration puts in the catalogue (an earlier transactional test's flush removes it)."""
    import importlib

    from django.apps import apps as django_apps

    importlib.import_module("groups.migrations.0002_vpmn_discount").create(django_apps, None)


def test_two_groups_one_number_exactly_one_wins(hall, counter_rep, store_manager, room):
    _vpmn_discount_in_the_catalogue()
    shared = LineFactory(customer=CustomerFactory(), hall=hall, msisdn="13900007777")
    apps = []
    for i in range(2):
        group = GroupCustomer.objects.create(customer=OrganizationFactory(), key_contact_name=f"联系人{i}",
                                             key_contact_phone="13900001111", hall=hall)
        app = vpmn_application_create(actor=counter_rep, group=group, rows=rows(shared.msisdn, consent=[shared.msisdn]),
                                      documents_checked=vpmn_documents_required(agent=False))
        vpmn_callout_record(actor=counter_rep, application=app, msisdn=shared.msisdn, result="confirmed")
        vpmn_application_sign(actor=counter_rep, application=app, approver=store_manager)
        vpmn_group_issue(actor=room, application=app)
        apps.append(app)

    results, errors = run_concurrently(2, lambda i: vpmn_discounts_open(actor=counter_rep, application=apps[i]))
    assert len(results) == 1 and len(errors) == 1, errors
    assert isinstance(errors[0], VpmnNumberTakenError) and errors[0].code == "vpmn_number_in_other_group"
    assert VpmnMember.objects.filter(line=shared, left_at__isnull=True).count() == 1
    assert LineDiscount.objects.filter(line=shared, until__isnull=True).count() == 1
    assert WorkOrder.objects.filter(msisdn=shared.msisdn, action="set_features").count() == 1

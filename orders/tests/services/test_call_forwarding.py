"""Call forwarding (呼叫转移) through the feature change: the number and the condition as the customer says,
carried to the network by the feature change's work order, kept on the line when the network confirms,
re-set while it is on; every refusal writes nothing."""

from datetime import date

import pytest

from boss.errors import DomainError
from boss.models import AuditEvent
from catalog.tests.factories import FeatureFactory
from customers.models import LineFeature
from orders.errors import NothingToDoError
from orders.models import Order
from orders.services.line_services import line_features_change
from provisioning.models import HlrSubscriber, WorkOrder
from provisioning.services import work_orders_run

pytestmark = pytest.mark.django_db
DOCS = {"documents_checked": ["id_original"], "agreement_signed": True}


@pytest.fixture
def cfw(live):
    return FeatureFactory(code="CFW", name="呼叫转移", kind="call_forwarding", monthly_fee="3.00",
                          valid_from=date(2020, 1, 1))


def written():
    return Order.objects.count(), WorkOrder.objects.count(), LineFeature.objects.count(), AuditEvent.objects.count()


def test_call_forwarding_starts_with_its_number_and_condition_on_the_network(live, cfw):
    order = line_features_change(actor=live.rep, line=live.line, add=["CFW"], forward_to="138-0013-8000",
                                 forward_when="busy", **DOCS)
    wo = WorkOrder.objects.get(reference=order.reference)
    assert wo.action == "set_features" and wo.payload["features"]["CFW"] == {"to": "13800138000", "when": "busy"}
    assert not LineFeature.objects.filter(line=live.line, feature=cfw).exists()   # the network has not confirmed
    work_orders_run()
    lf = LineFeature.objects.get(line=live.line, feature=cfw, until__isnull=True)
    assert lf.settings == {"to": "13800138000", "when": "busy"} and "13800138000" in lf.forwarding
    assert HlrSubscriber.objects.get(msisdn=live.line.msisdn).features["CFW"]["to"] == "13800138000"
    # No forwarded-to number in the audit trail.
    assert "13800138000" not in str(list(AuditEvent.objects.values_list("after", flat=True)))


def test_call_forwarding_is_re_set_while_it_is_on_and_the_same_setting_is_nothing_to_do(live, cfw):
    line_features_change(actor=live.rep, line=live.line, add=["CFW"], forward_to="13800138000",
                         forward_when="always", **DOCS)
    work_orders_run()
    before = written()
    with pytest.raises(NothingToDoError):
        line_features_change(actor=live.rep, line=live.line, forward_to="13800138000", forward_when="always", **DOCS)
    assert written() == before
    order = line_features_change(actor=live.rep, line=live.line, forward_to="057188880000", forward_when="no_answer",
                                 **DOCS)
    assert order.details["settings"] == {"CFW": {"to": "057188880000", "when": "no_answer"}}
    work_orders_run()
    assert LineFeature.objects.get(line=live.line, until__isnull=True, feature=cfw).settings["when"] == "no_answer"
    assert LineFeature.objects.filter(line=live.line, feature=cfw).count() == 1


@pytest.mark.parametrize("kwargs, field", [
    ({"add": ["CFW"], "forward_when": "busy"}, "forward_to"),                   # no number
    ({"add": ["CFW"], "forward_to": "13800138000"}, "forward_when"),             # nothing assumed
    ({"add": ["CFW"], "forward_to": "12345", "forward_when": "busy"}, None),     # not a number
    ({"forward_to": "13800138000", "forward_when": "busy"}, "forward_to"),       # forwarding is not on
])
def test_a_refused_call_forwarding_writes_nothing(live, cfw, kwargs, field):
    before = written()
    with pytest.raises(DomainError) as exc:
        line_features_change(actor=live.rep, line=live.line, **kwargs, **DOCS)
    assert written() == before
    if field:
        assert exc.value.field == field


def test_calls_cannot_be_forwarded_to_the_line_itself(live, cfw):
    with pytest.raises(DomainError) as exc:
        line_features_change(actor=live.rep, line=live.line, add=["CFW"], forward_to=live.line.msisdn,
                             forward_when="always", **DOCS)
    assert exc.value.field == "forward_to" and not Order.objects.filter(kind="feature_change").exists()


def test_call_forwarding_through_the_api_and_the_screen(live, cfw, client):
    import uuid

    from django.urls import reverse
    from rest_framework.test import APIClient

    client.force_login(live.rep)
    form = client.get(reverse("orders:line_process", args=[live.line.msisdn, "features"])).content.decode()
    assert 'name="forward_to"' in form and 'name="forward_when"' in form and "selected>" not in form.split(
        'name="forward_when"')[1].split("</select>")[0].replace('value="" selected>', "")
    api = APIClient()
    api.force_authenticate(live.rep)
    response = api.post(f"/api/v1/lines/{live.line.msisdn}/features",
                        {"add": ["CFW"], "forward_to": "13800138000", "forward_when": "unreachable", **DOCS},
                        format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert response.status_code == 201, response.json()
    bad = api.post(f"/api/v1/lines/{live.line.msisdn}/features", {"add": ["CFW"], "forward_when": "x", **DOCS},
                   format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert bad.status_code in (400, 409) and bad.json()["code"]
    work_orders_run()
    html = client.get(reverse("orders:line_detail", args=[live.line.msisdn])).content.decode()
    assert "13800138000" in html

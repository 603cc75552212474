"""A search by full identity number is throttled per user and audited without the number in clear (issue 12
item 7): a partner hall cannot use it as a look-up oracle."""

import pytest
from rest_framework.test import APIClient

from boss.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_identity_searches_are_audited_masked_and_throttled_per_user(customer, rep, make_staff, set_tariff):
    set_tariff("identity.searches_per_hour", "2")
    api = APIClient()
    api.force_authenticate(rep)
    number = customer.identity.number
    for _ in range(2):
        found = api.post("/api/v1/customers/search", {"query": number}, format="json")
        assert found.status_code == 200 and [c["id"] for c in found.json()["results"]] == [customer.pk]
    refused = api.post("/api/v1/customers/search", {"query": number}, format="json")
    assert refused.status_code == 429 and refused.json()["code"] == "identity_search_limit"
    events = AuditEvent.objects.filter(action="customer.search_identity", actor=rep)
    assert events.count() == 2                                        # the refused search found nothing
    assert all(number not in str(e.after) and e.after["number"].endswith(number[-1]) and e.after["found"] == 1
               for e in events)
    by_name = api.post("/api/v1/customers/search", {"query": customer.name}, format="json")
    assert by_name.status_code == 200                                 # names are not throttled
    other = APIClient()
    other.force_authenticate(make_staff("sales_rep", username="rep_b"))
    assert other.post("/api/v1/customers/search", {"query": number}, format="json").status_code == 200   # per user

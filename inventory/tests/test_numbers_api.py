"""The fixed number endpoints of api.md: search, reservation (idempotent) and release."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from rest_framework.test import APIClient

from boss.models import IdempotencyKey
from inventory.models import NumberReservation, NumberResource
from inventory.services.numbers import number_reserve

pytestmark = pytest.mark.django_db


def _reserve(api, msisdn, body=None, key=None):
    return api.post(f"/api/v1/numbers/{msisdn}/reservation", body or {}, format="json",
                    HTTP_IDEMPOTENCY_KEY=key or str(uuid.uuid4()))


def test_search_returns_the_fixed_shape_for_free_numbers_only(api, add_numbers, make_staff,
                                                              django_assert_max_num_queries):
    free, taken, _ordinary = add_numbers("13912358888", "13812348888", "13912345670")
    number_reserve(actor=make_staff("sales_rep", username="rep_b"), msisdn=taken.msisdn)
    with django_assert_max_num_queries(10):
        body = api.get("/api/v1/numbers", {"ending": "8888"}).json()
    assert body["count"] == 1 and body["count_capped"] is False
    assert body["results"] == [{
        "msisdn": "13912358888", "grade": "special", "grade_name": "特级靓号", "pattern": "8888", "segment": "139",
        "selection_fee": "2000.00", "pre_deposit": "3000.00", "min_monthly_spend": "388.00", "agreement_months": 36,
        "status": "free"}]


def test_the_written_out_rows_are_what_the_declared_fields_give(add_numbers, make_staff):
    """NumberSearchApi's rows are written out for speed; its declared fields (the schema's) give the same."""
    from django.utils import timezone
    from rest_framework import serializers

    from catalog.selectors import selection_fees_in_force
    from inventory.api.views import NumberSearchApi

    add_numbers("13912358888", "13912345670", "13812341234")
    number_reserve(actor=make_staff("sales_rep", username="rep_b"), msisdn="13812341234")
    numbers = list(NumberResource.objects.select_related("grade", "segment").order_by("msisdn"))
    assert len({n.grade_id for n in numbers}) > 1
    serializer = NumberSearchApi.OutputSerializer(
        numbers, many=True, context={"fees": selection_fees_in_force(), "now": timezone.now()})
    declared = [serializers.Serializer.to_representation(serializer.child, n) for n in numbers]
    assert serializer.data == declared
    assert {row["status"] for row in declared} == {"free", "reserved"}


def test_the_count_stops_at_the_cap_and_says_so(api, add_numbers):
    from inventory.selectors import SEARCH_COUNT_CAP

    assert SEARCH_COUNT_CAP == 200
    add_numbers(*[f"1391234{i:04d}" for i in range(SEARCH_COUNT_CAP)])
    body = api.get("/api/v1/numbers", {"segment": "139"}).json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (200, False, 20)
    add_numbers("13912349999")
    body = api.get("/api/v1/numbers", {"segment": "139"}).json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (200, True, 20)


def test_a_narrow_search_reads_its_pages_by_the_ids_it_counted(api, add_numbers):
    """At most the cap matched: the count read their ids, and a page is read by them (in number order), not by
    walking the pool in number order (inventory.selectors.CappedPaginator)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    add_numbers(*[f"1391234{i:04d}" for i in range(30)], "13912358888")
    with CaptureQueriesContext(connection) as queries:
        body = api.get("/api/v1/numbers", {"segment": "139", "page": 2}).json()
    assert (body["count"], body["count_capped"]) == (31, False)
    assert [n["msisdn"] for n in body["results"]] == [*[f"1391234{i:04d}" for i in range(20, 30)], "13912358888"]
    page_sql = next(q["sql"] for q in queries.captured_queries if "ORDER BY" in q["sql"] and "LIMIT" in q["sql"])
    assert '"inventory_numberresource"."id" IN (' in page_sql


@pytest.mark.parametrize("params, count", [
    ({"contains": "168"}, 1), ({"segment": "138"}, 1), ({"grade": "level3"}, 1), ({"pattern": "AABB"}, 1),
    ({"pattern": "AAAA"}, 1), ({"segment": "139", "ending": "22"}, 1), ({}, 4),
])
def test_search_filters(api, add_numbers, params, count):
    add_numbers("13916812345", "13812345670", "13912351122", "13912357777")
    assert api.get("/api/v1/numbers", params).json()["count"] == count


@pytest.mark.parametrize("params, field", [({"ending": "88a"}, "ending"), ({"contains": "123456789"}, "contains"),
                                           ({"grade": "nope"}, "grade"), ({"segment": "130"}, "segment"),
                                           ({"pattern": "XYZ"}, "pattern")])
def test_bad_filters_are_a_400_with_the_field(api, reference, params, field):
    response = api.get("/api/v1/numbers", params)
    assert response.status_code == 400 and response.json()["code"] == "invalid" and field in response.json()["fields"]


def test_a_lapsed_reservation_is_listed_as_free(api, make_staff, premium):
    reservation = number_reserve(actor=make_staff("sales_rep", username="rep_b"), msisdn=premium.msisdn)
    with time_machine.travel(reservation.reserved_until + timedelta(seconds=1)):
        results = api.get("/api/v1/numbers", {"ending": "8888"}).json()["results"]
    assert [(r["msisdn"], r["status"]) for r in results] == [(premium.msisdn, "free")]


def test_reserve_is_201_with_the_time_and_a_replay_returns_the_same_body(api, rep, premium, customer):
    key = str(uuid.uuid4())
    first = _reserve(api, premium.msisdn, {"customer_id": customer.pk}, key)
    second = _reserve(api, premium.msisdn, {"customer_id": customer.pk}, key)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert first.json()["msisdn"] == premium.msisdn and first.json()["reserved_until"].endswith("+08:00")
    assert NumberReservation.objects.filter(number=premium).count() == 1


def test_the_same_key_with_another_body_is_409_and_writes_nothing(api, premium, customer):
    key = str(uuid.uuid4())
    _reserve(api, premium.msisdn, {}, key)
    response = _reserve(api, premium.msisdn, {"customer_id": customer.pk}, key)
    assert response.status_code == 409 and response.json()["code"] == "idempotency_key_reused"
    assert NumberReservation.objects.count() == 1


def test_reserving_without_a_key_is_refused(api, premium):
    response = api.post(f"/api/v1/numbers/{premium.msisdn}/reservation", {}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "idempotency_key_required"
    assert NumberReservation.objects.count() == 0


def test_a_taken_number_is_409_number_unavailable_and_the_key_stays_free(api, make_staff, premium):
    number_reserve(actor=make_staff("sales_rep", username="rep_b"), msisdn=premium.msisdn)
    key = str(uuid.uuid4())
    response = _reserve(api, premium.msisdn, key=key)
    assert response.status_code == 409 and response.json()["code"] == "number_unavailable"
    assert response.json()["params"] == {"msisdn": premium.msisdn}
    assert not IdempotencyKey.objects.filter(key=key).exists()


@pytest.mark.parametrize("msisdn, status, code", [("13800000000", 404, "number_not_found"),
                                                  ("12345", 400, "bad_mobile_number")])
def test_unknown_or_malformed_numbers(api, reference, msisdn, status, code):
    response = _reserve(api, msisdn)
    assert response.status_code == status and response.json()["code"] == code


def test_an_unknown_customer_is_404(api, premium):
    response = _reserve(api, premium.msisdn, {"customer_id": 999999})
    assert response.status_code == 404 and response.json()["code"] == "customer_not_found"


def test_english_messages_on_request(api, make_staff, premium):
    number_reserve(actor=make_staff("sales_rep", username="rep_b"), msisdn=premium.msisdn)
    response = api.post(f"/api/v1/numbers/{premium.msisdn}/reservation", {}, format="json",
                        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()), HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["message"].startswith("This number is not available")


def test_release_is_204_for_the_holder_403_for_others_404_when_free(api, rep, make_staff, premium):
    _reserve(api, premium.msisdn)
    other = APIClient()
    other.force_authenticate(make_staff("sales_rep", username="rep_b"))
    refused = other.delete(f"/api/v1/numbers/{premium.msisdn}/reservation")
    assert refused.status_code == 403 and refused.json()["code"] == "not_reservation_holder"
    assert api.delete(f"/api/v1/numbers/{premium.msisdn}/reservation").status_code == 204
    assert NumberResource.objects.get(pk=premium.pk).status == "free"
    again = api.delete(f"/api/v1/numbers/{premium.msisdn}/reservation")
    assert again.status_code == 404 and again.json()["code"] == "reservation_not_found"


def test_a_manager_releases_any_reservation(rep, make_staff, premium):
    number_reserve(actor=rep, msisdn=premium.msisdn)
    manager = APIClient()
    manager.force_authenticate(make_staff("manager", username="mgr", hall=None))
    assert manager.delete(f"/api/v1/numbers/{premium.msisdn}/reservation").status_code == 204


def test_the_reservation_list_shows_mine(api, rep, premium):
    _reserve(api, premium.msisdn)
    body = api.get("/api/v1/reservations").json()
    assert [r["msisdn"] for r in body["results"]] == [premium.msisdn]

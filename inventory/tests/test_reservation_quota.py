"""Reservation quotas (issue 12 item 7): live reservations per rep and per hall are capped by tariff
parameters; the refusal is clear (429 `reservation_quota`) and takes nothing."""

import uuid

import pytest
from rest_framework.test import APIClient

from inventory.errors import ReservationQuotaError
from inventory.models import NumberReservation, NumberResource
from inventory.services.numbers import number_release, number_reserve

pytestmark = pytest.mark.django_db


def test_a_rep_holds_at_most_the_tariffs_live_reservations(add_numbers, rep, set_tariff):
    set_tariff("number.max_live_reservations_per_rep", "2")
    a, b, c = add_numbers("13912340001", "13912340002", "13912340003")
    number_reserve(actor=rep, msisdn=a.msisdn)
    number_reserve(actor=rep, msisdn=b.msisdn)
    with pytest.raises(ReservationQuotaError) as exc:
        number_reserve(actor=rep, msisdn=c.msisdn)
    assert exc.value.code == "reservation_quota" and exc.value.status == 429 and "2" in str(exc.value.message)
    assert NumberResource.objects.get(pk=c.pk).status == "free" and NumberReservation.objects.count() == 2
    number_release(actor=rep, msisdn=a.msisdn)                  # a released one frees the place
    number_reserve(actor=rep, msisdn=c.msisdn)


def test_a_hall_holds_at_most_the_tariffs_live_reservations_and_the_api_says_429(add_numbers, rep, make_staff,
                                                                                  set_tariff):
    set_tariff("number.max_live_reservations_per_hall", "2")
    a, b, c = add_numbers("13912340001", "13912340002", "13912340003")
    colleague = make_staff("sales_rep", username="rep_b")
    number_reserve(actor=rep, msisdn=a.msisdn)
    number_reserve(actor=colleague, msisdn=b.msisdn)
    api = APIClient()
    api.force_authenticate(rep)
    response = api.post(f"/api/v1/numbers/{c.msisdn}/reservation", {}, format="json",
                        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 429 and response.json()["code"] == "reservation_quota"
    assert "营业厅" in response.json()["message"]
    assert NumberResource.objects.get(pk=c.pk).status == "free" and NumberReservation.objects.count() == 2


def test_only_live_reservations_count_and_a_rep_who_moved_hall_brings_theirs_to_their_own_count_only(
        add_numbers, rep, make_staff, other_hall, set_tariff):
    """A reservation whose time is up (still active until the sweep closes it) holds no place. A rep's
    reservations count for the rep and for the hall they were taken at, not for the hall the rep works at now."""
    from datetime import timedelta

    from django.utils import timezone

    set_tariff("number.max_live_reservations_per_rep", "2")
    set_tariff("number.max_live_reservations_per_hall", "2")
    a, b, c, d, e = add_numbers("13912340001", "13912340002", "13912340003", "13912340004", "13912340005")
    lapsed = number_reserve(actor=rep, msisdn=a.msisdn)
    NumberReservation.objects.filter(pk=lapsed.pk).update(reserved_until=timezone.now() - timedelta(minutes=1))
    number_reserve(actor=rep, msisdn=b.msisdn)
    number_reserve(actor=rep, msisdn=c.msisdn)                  # the lapsed one holds no place: two live
    rep.hall = other_hall
    rep.save(update_fields=["hall"])
    with pytest.raises(ReservationQuotaError) as exc:           # the rep's own two, from the hall they left
        number_reserve(actor=rep, msisdn=d.msisdn)
    assert "2" in str(exc.value.message)
    assert NumberResource.objects.get(pk=d.pk).status == "free" and NumberReservation.objects.count() == 3
    newcomer = make_staff("sales_rep", username="rep_new", hall=other_hall)
    number_reserve(actor=newcomer, msisdn=d.msisdn)             # the new hall holds none of them
    with pytest.raises(ReservationQuotaError):                  # the old hall holds two live ones
        number_reserve(actor=make_staff("sales_rep", username="rep_old"), msisdn=e.msisdn)
    assert NumberResource.objects.get(pk=e.pk).status == "free" and NumberReservation.objects.count() == 4

"""Real concurrency on PostgreSQL: two counters can never hold the same number, a card is used once,
the timed job steps around rows a counter is working on, concurrent imports never duplicate."""

import threading
import uuid
from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from boss.locks import lock
from boss.permissions import system_actor
from boss.tests.threads import run_concurrently
from inventory.errors import NumberUnavailableError, RechargeCardUsedError
from inventory.models import NumberReservation, NumberResource, RechargeCard, SimCard
from inventory.services.numbers import number_reservation_expire, number_reserve
from inventory.services.stock import recharge_card_redeem, recharge_pin_hash, sim_card_assign, stock_import

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_fifty_reps_reserving_one_number_at_once_exactly_one_wins(make_staff, premium):
    reps = [make_staff("sales_rep", username=f"racer{i}") for i in range(50)]
    outcomes, errors = run_concurrently(50, lambda i: number_reserve(actor=reps[i], msisdn=premium.msisdn))
    assert len(outcomes) == 1
    assert len(errors) == 49 and all(isinstance(e, NumberUnavailableError) for e in errors), errors[:3]
    assert {e.code for e in errors} == {"number_unavailable"}
    assert NumberReservation.objects.filter(number=premium, state="active").count() == 1
    assert NumberResource.objects.get(pk=premium.pk).status == "reserved"


def test_fifty_api_calls_for_one_number_give_one_201_and_49_clean_409s(make_staff, premium):
    reps = [make_staff("sales_rep", username=f"api_racer{i}") for i in range(50)]

    def call(i):
        client = APIClient()
        client.force_authenticate(reps[i])
        response = client.post(f"/api/v1/numbers/{premium.msisdn}/reservation", {}, format="json",
                               HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
        return response.status_code, response.json()

    outcomes, errors = run_concurrently(50, call)
    assert not errors
    statuses = sorted(status for status, _body in outcomes)
    assert statuses == [201] + [409] * 49
    assert {body["code"] for status, body in outcomes if status == 409} == {"number_unavailable"}
    assert NumberReservation.objects.filter(number=premium).count() == 1


def test_ten_counters_redeeming_one_recharge_card_use_it_once(make_staff, rep):
    card = RechargeCard.objects.create(serial="10000000000000001", face_value="100.00", hall=rep.hall,
                                       pin_hash=recharge_pin_hash(serial="10000000000000001", pin="1234567890123456"),
                                       valid_until=date.today() + timedelta(days=30))
    reps = [make_staff("sales_rep", username=f"card{i}") for i in range(10)]
    outcomes, errors = run_concurrently(10, lambda i: recharge_card_redeem(actor=reps[i], serial=card.serial,
                                                                pin="1234567890123456"))
    assert len(outcomes) == 1 and len(errors) == 9 and all(isinstance(e, RechargeCardUsedError) for e in errors)
    assert RechargeCard.objects.get(pk=card.pk).redeemed_by == outcomes[0].redeemed_by


def test_the_expiry_job_skips_a_number_a_counter_holds_locked(rep, number):
    import time_machine

    reservation = number_reserve(actor=rep, msisdn=number.msisdn)
    locked, release = threading.Event(), threading.Event()

    def counter():
        with transaction.atomic():
            lock(NumberResource.objects.all()).get(pk=number.pk)
            locked.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=counter)
    thread.start()
    locked.wait(10)
    with time_machine.travel(reservation.reserved_until + timedelta(seconds=1)):
        assert number_reservation_expire(actor=system_actor(), reservation_id=reservation.pk) is None
        release.set()
        thread.join()
        assert number_reservation_expire(actor=system_actor(), reservation_id=reservation.pk) is not None
    assert NumberResource.objects.get(pk=number.pk).status == "free"


def test_two_imports_of_the_same_delivery_at_once_store_each_card_once(make_staff):
    clerks = [make_staff("store_manager", username=f"sm{i}") for i in range(2)]
    csv = "iccid,imsi,capacity\n" + "\n".join(f"8986000000{i:010d},4600000{i:08d},usim" for i in range(2000))
    outcomes, errors = run_concurrently(2, lambda i: stock_import(actor=clerks[i], kind="sim", data=csv))
    assert not errors
    assert SimCard.objects.count() == 2000
    assert sum(b.created_count for b in outcomes) == 2000
    assert sum(b.duplicate_count for b in outcomes) == 2000


def test_reserving_numbers_of_the_same_grade_at_once_does_not_block(rep, make_staff, other_hall, add_numbers):
    first, second = add_numbers("13912351122", "13912353377")  # both AABB (level3)
    assert first.grade_id == second.grade_id
    holding, done = threading.Event(), threading.Event()

    def counter():
        with transaction.atomic():
            number_reserve(actor=rep, msisdn=first.msisdn)
            holding.set()
            done.wait(10)  # the reservation's transaction is still open
        connection.close()

    thread = threading.Thread(target=counter)
    thread.start()
    holding.wait(10)
    # A rep of another hall: one hall's reservations queue on the hall's row by design (its cap on live
    # reservations); what must not queue them is the grade they share.
    other_rep = make_staff("sales_rep", username="rep_b", hall=other_hall)
    try:
        number_reserve(actor=other_rep, msisdn=second.msisdn)
        still_open = thread.is_alive()    # the first reservation's transaction had not ended: nothing waited
    finally:
        done.set()
        thread.join()
    assert still_open
    assert NumberReservation.objects.filter(state="active").count() == 2


def test_counters_issuing_cards_at_once_each_get_their_own_and_none_waits(make_staff, rep):
    """The opening's card pick (SKIP LOCKED, compiled once per process): ten counters of one hall issuing at once
    each get a card of their own, and a counter does not wait for another's open transaction."""
    for i in range(12):
        SimCard.objects.create(iccid=f"898600000000000{i:05d}", imsi=f"46000000000{i:04d}", capacity="usim",
                               hall=rep.hall)
    reps = [make_staff("sales_rep", username=f"sim{i}") for i in range(10)]
    outcomes, errors = run_concurrently(10, lambda i: sim_card_assign(actor=reps[i], capacity="usim").iccid)
    assert not errors
    assert len(set(outcomes)) == 10
    holding, done, held = threading.Event(), threading.Event(), []

    def counter():
        with transaction.atomic():
            held.append(sim_card_assign(actor=reps[0], capacity="usim").iccid)
            holding.set()
            done.wait(10)   # its transaction stays open
        connection.close()

    thread = threading.Thread(target=counter)
    thread.start()
    holding.wait(10)
    try:
        with transaction.atomic():
            mine = sim_card_assign(actor=reps[1], capacity="usim").iccid
        still_open = thread.is_alive()   # the other counter's transaction had not ended: nothing waited
    finally:
        done.set()
        thread.join()
    assert still_open and mine != held[0]
    assert SimCard.objects.filter(status=SimCard.Status.ASSIGNED).count() == 12

"""Two counters at once on PostgreSQL (real transactions on connections of their own): the last gift in stock
goes to exactly one of two customers, and two counters spending the same customer's points never take the
balance below zero. Forced interleavings (a third connection holds the contested row until both counters
are seen waiting) and free races of many rounds."""

import threading

import pytest
from django.db.models import Sum

from billing.models import PointsEntry, PointsLot
from boss.errors import DomainError
from customers.tests.factories import CustomerFactory, IdentityFactory
from inventory.models import GiftStock
from loyalty.models import Redemption
from loyalty.services.redemptions import redemption_start
from tests.test_cross_service_races import Session, holding, waiting_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _redeem(w, line, gift, actor):
    def call():
        return redemption_start(actor=actor, line=line, gift=gift, documents_checked=["id_original"],
                                receipt_signed=True)
    return call


def test_two_counters_redeem_the_last_gift_exactly_one_wins(world):
    w = world
    other = CustomerFactory(identity=IdentityFactory())
    other_line = w.make_line("13912340009", other)
    w.lot(other, 1000)
    stock = GiftStock.objects.get(gift=w.umbrella)   # one umbrella left
    assert stock.quantity == 1
    with holding(GiftStock.objects.filter(pk=stock.pk)) as holder:
        a = Session("counter A", _redeem(w, w.line, w.umbrella, w.rep)).start()
        waiting_for(a, holder)  # B starts only now, so A is certainly first in the row's queue
        b = Session("counter B", _redeem(w, other_line, w.umbrella, w.rep2)).start()
        waiting_for(b, a)       # queued behind A for the same row
    a.join(), b.join()
    # A took the row first, so A wins; B, queued behind it, finds the stock empty and is refused cleanly.
    assert a.error is None and type(b.error).__name__ == "GiftOutOfStockError", (a.trace, b.trace)
    assert GiftStock.objects.get(pk=stock.pk).quantity == 0
    assert list(Redemption.objects.values_list("customer", "state")) == [(w.person.pk, "completed")]
    assert not PointsEntry.objects.filter(customer=other, kind="redeem").exists()   # nothing spent


def test_two_counters_spend_the_same_points_the_balance_never_below_zero(world):
    w = world   # 1000 points; the umbrella costs 800 and there are more in stock
    GiftStock.objects.filter(gift=w.umbrella).update(quantity=5)
    with holding(w.person.__class__.objects.filter(pk=w.person.pk)) as holder:
        a = Session("counter A", _redeem(w, w.line, w.umbrella, w.rep)).start()
        waiting_for(a, holder)  # B starts only now, so A is certainly first in the row's queue
        b = Session("counter B", _redeem(w, w.line, w.umbrella, w.rep2)).start()
        waiting_for(b, a)       # queued behind A for the same row
    a.join(), b.join()
    assert a.error is None and type(b.error).__name__ == "PointsInsufficientError", (a.trace, b.trace)
    assert Redemption.objects.count() == 1
    assert PointsLot.objects.filter(customer=w.person).aggregate(s=Sum("remaining"))["s"] == 200
    assert GiftStock.objects.get(gift=w.umbrella).quantity == 4


def test_free_race_many_rounds_stock_and_points_stay_consistent(world):
    """Two counters, 10 rounds each, started together: every outcome is a redemption or a clean refusal; the
    stock and the points balance equal what the redemptions took."""
    w = world
    GiftStock.objects.filter(gift=w.mug).update(quantity=6)
    w.lot(w.person, 4000)   # 5000 points: ten mugs' worth, six in stock
    barrier = threading.Barrier(2)
    results: dict[str, list] = {"A": [], "B": []}

    def counter(name, actor):
        def call():
            for _ in range(10):
                barrier.wait(10)
                try:
                    redemption_start(actor=actor, line=w.line, gift=w.mug, documents_checked=["id_original"],
                                     receipt_signed=True)
                    results[name].append("ok")
                except DomainError as exc:
                    results[name].append(exc.code)
        return call

    a = Session("A", counter("A", w.rep)).start()
    b = Session("B", counter("B", w.rep2)).start()
    a.join(), b.join()
    assert a.error is None and b.error is None, (a.trace, b.trace)
    done = results["A"].count("ok") + results["B"].count("ok")
    assert done == 6 and set(results["A"] + results["B"]) <= {"ok", "gift_out_of_stock"}
    assert GiftStock.objects.get(gift=w.mug).quantity == 0
    assert PointsLot.objects.filter(customer=w.person).aggregate(s=Sum("remaining"))["s"] == 5000 - 6 * 500
    assert -PointsEntry.objects.filter(customer=w.person, kind="redeem").aggregate(s=Sum("delta"))["s"] == 3000


def test_an_online_order_and_a_counter_take_the_last_gift_exactly_one_wins(world):
    """The portal's order (points and gift set aside at once) and a counter's redemption meet on the stock row:
    the one first in line wins, the other is refused cleanly and spends nothing."""
    from loyalty.services.redemptions import redemption_order

    w = world
    other = CustomerFactory(identity=IdentityFactory())
    other_line = w.make_line("13912340009", other)
    w.lot(other, 1000)
    stock = GiftStock.objects.get(gift=w.umbrella)   # one umbrella left
    with holding(GiftStock.objects.filter(pk=stock.pk)) as holder:
        web = Session("web order", lambda: redemption_order(actor=w.rep2, line=w.line, gift=w.umbrella,
                                                            hall=w.hall)).start()
        # The counter starts only once the web order waits on the stock row, so the web order is certainly first
        # in line: started together, the counter sometimes took a lock the web order needs before the stock row
        # first, and the web order then waited for the counter, not the holder (1 run in 4 on a loaded machine).
        waiting_for(web, holder)
        counter = Session("counter", _redeem(w, other_line, w.umbrella, w.rep)).start()
        waiting_for(counter, web)
    web.join(), counter.join()
    assert web.error is None and type(counter.error).__name__ == "GiftOutOfStockError", (web.trace, counter.trace)
    assert GiftStock.objects.get(pk=stock.pk).quantity == 0
    assert list(Redemption.objects.values_list("customer", "state")) == [(w.person.pk, "ordered")]
    assert not PointsEntry.objects.filter(customer=other, kind="redeem").exists()
    assert PointsLot.objects.filter(customer=w.person).aggregate(s=Sum("remaining"))["s"] == 200

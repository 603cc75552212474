"""The redemption's world: a redemption hall with gifts in stock, a rep and the big-customer room, an
individual's and an organization's line with points lots (earned as billing earns them)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from billing.models import PointsEntry, PointsLot
from billing.services.points import points_expiry
from boss.models import AuditEvent
from customers.identity import resident_id_compose
from customers.tests.factories import CustomerFactory, IdentityFactory, OrganizationFactory
from inventory.models import Gift, GiftStock, GiftStockMovement
from inventory.services.stock import stock_import
from loyalty.models import Redemption

AGENT_ID = resident_id_compose("440106", date(1985, 5, 5), 17)


@pytest.fixture
def world(hall, make_staff, db):
    from catalog.models import Plan
    from customers.models import Account, Line

    hall.redemption_hall = True
    hall.save(update_fields=["redemption_hall"])

    class World:
        pass

    w = World()
    w.hall = hall
    w.rep = make_staff("sales_rep", username="rep_a")
    w.rep2 = make_staff("sales_rep", username="rep_b")
    w.manager = make_staff("store_manager", username="sm_a")
    w.room = make_staff("big_customer_room", username="room_a", hall=None)
    plan = Plan.objects.get_or_create(code="TEST58", defaults={"name": "测试套餐58", "monthly_fee": "58.00",
                                                              "valid_from": date(2020, 1, 1)})[0]
    today = timezone.localdate()
    w.mug = Gift.objects.create(code="MUG", name="保温杯", points=500, valid_from=today - timedelta(days=30))
    w.umbrella = Gift.objects.create(code="UMB", name="雨伞", points=800, valid_from=today - timedelta(days=30))
    w.speaker = Gift.objects.create(code="SPK", name="蓝牙音箱", points=300, cash_topup=Decimal("20.00"),
                                    valid_from=today - timedelta(days=30))
    stock_import(actor=w.manager, kind="gift", data="gift,quantity\nMUG,5\nUMB,1\nSPK,3\n")

    def line(msisdn, customer, **account):
        acc = Account.objects.create(customer=customer, **account)
        ln = Line.objects.create(msisdn=msisdn, customer=customer, account=acc, plan=plan, hall=hall,
                                 activated_at=timezone.now() - timedelta(days=400))
        Line.objects.filter(pk=ln.pk).update(status=Line.Status.ACTIVE)
        ln.refresh_from_db()
        return ln

    def lot(customer, points, earned_on=None):
        earned_on = earned_on or today - timedelta(days=40)
        created = PointsLot.objects.create(customer=customer, earned_on=earned_on, points=points, remaining=points,
                                           expires_on=points_expiry(earned_on))
        PointsEntry.objects.create(customer=customer, lot=created, kind=PointsEntry.Kind.ACCRUE, delta=points,
                                   reference="test")
        return created

    w.make_line, w.lot = line, lot
    w.person = CustomerFactory(identity=IdentityFactory(checked_at=timezone.now()))
    w.line = line("13912340001", w.person)
    w.old_lot = lot(w.person, 300, today - timedelta(days=400))
    w.new_lot = lot(w.person, 700, today - timedelta(days=40))
    w.org = OrganizationFactory(identity=IdentityFactory(doc_type="uscc", number="91350100M000100Y43",
                                                         name="福州测试有限公司", checked_at=timezone.now()))
    w.org_line = line("13912340002", w.org)
    lot(w.org, 2000)
    return w


def written(w) -> tuple:
    """Everything a redemption could write: compared before and after a refusal."""
    return (Redemption.objects.count(), PointsEntry.objects.count(),
            PointsLot.objects.aggregate(s=Sum("remaining"))["s"], GiftStockMovement.objects.count(),
            list(GiftStock.objects.order_by("pk").values_list("quantity", flat=True)),
            AuditEvent.objects.filter(action__startswith="redemption").count())


@pytest.fixture
def agent():
    from orders.services.documents import AgentInput

    return AgentInput(doc_type="resident_id", number=AGENT_ID, name="李代办")

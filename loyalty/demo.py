"""Demo data of the points redemption (idempotent): gifts in the catalogue with pictures, a delivery into the
redemption hall GZ-ZS01, and 5,000 points for every customer with a live line (so a newcomer can redeem at once:
rep1 at the counter, bigcust1 in the big-customer room for organizations)."""

import io
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

GIFTS = [
    # code, name, points, cash top-up, colour of the picture
    ("MUG", "不锈钢保温杯", 800, "0.00", (200, 60, 60)),
    ("UMB", "晴雨两用伞", 1200, "0.00", (40, 90, 170)),
    ("PWR", "10000mAh 充电宝", 2500, "0.00", (60, 140, 80)),
    ("SPK", "蓝牙音箱", 3000, "30.00", (120, 70, 150)),
]
HALL = "GZ-ZS01"
REFERENCE = "demo:loyalty"


def _picture(rgb) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (160, 120), (246, 246, 246))
    ImageDraw.Draw(image).rounded_rectangle((40, 20, 120, 100), radius=16, fill=rgb)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def load_history(stdout=None) -> int:
    from billing.models import PointsEntry, PointsLot
    from billing.services.points import points_expiry
    from boss.models import Hall, Staff
    from customers.models import Line
    from inventory.models import Gift, GiftStock
    from inventory.services.gifts import gift_stock_import

    hall = Hall.objects.filter(code=HALL, redemption_hall=True).first()
    manager = (Staff.objects.filter(hall=hall, groups__name="store_manager", is_active=True)
               .order_by("username").first())
    if hall is None or manager is None:
        return 0
    today = timezone.localdate()
    for code, name, points, topup, rgb in GIFTS:
        Gift.objects.get_or_create(code=code, defaults={
            "name": name, "points": points, "cash_topup": topup, "valid_from": today - timedelta(days=30),
            "picture": _picture(rgb), "picture_type": "image/png"})
    if not GiftStock.objects.filter(hall=hall).exists():
        gift_stock_import(actor=manager, hall=hall, filename="demo-gifts.csv",
                          data="gift,quantity,note\n" + "".join(f"{g[0]},{5 if g[0] != 'SPK' else 1},演示入库\n"
                                                               for g in GIFTS))
    given = 0
    earned = today - timedelta(days=60)
    with transaction.atomic():
        for customer_id in (Line.objects.filter(status=Line.Status.ACTIVE).values_list("customer_id", flat=True)
                            .distinct().order_by("customer_id")):
            if PointsEntry.objects.filter(customer_id=customer_id, reference=REFERENCE).exists():
                continue
            lot = PointsLot.objects.create(customer_id=customer_id, earned_on=earned, points=5000, remaining=5000,
                                           expires_on=points_expiry(earned))
            PointsEntry.objects.create(customer_id=customer_id, lot=lot, kind=PointsEntry.Kind.ACCRUE, delta=5000,
                                       reference=REFERENCE)
            given += 1
    if stdout is not None and given:
        stdout.write(f"loyalty: gifts in stock at {HALL}; 5000 points for {given} customers "
                     "(rep1 redeems under 综合业务 → 积分兑换; bigcust1 confirms organizations)\n")
    return given

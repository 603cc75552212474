"""Demo data of the orders app: demo lines opened through the real opening process (pre-input, payment,
provisioning), so that fee collection, the 360 page and billing have lines to work on, and one line on a
premium number with its minimum monthly spend. Idempotent."""

import os

from boss.models import Staff
from customers.models import Customer, Line, LineCommitment
from inventory.models import NumberResource, SimCard
from inventory.services.numbers import number_reserve
from orders.services.open_account import order_open_account_create, order_open_account_pay
from provisioning.services import work_orders_run


def load(stdout=None) -> int:
    return load_lines(stdout) + load_premium_line(stdout) + load_plan_change(stdout)


DEMO_LINES = int(os.environ.get("BOSS_DEMO_LINES", "40"))


def load_lines(stdout=None) -> int:
    """Open demo lines through the real opening process (pre-input, payment, provisioning), so fee
    collection, the 360 page and billing have lines to work on. Idempotent: only when there are none."""
    rep = Staff.objects.filter(username="rep1").first()
    if rep is None or not DEMO_LINES or Line.objects.exists():
        return 0
    plans = ["5G-ZX-128", "DGDD-MG-39", "4G-FX-58", "5G-ZX-198", "QQT-ZX-388"]
    customers = list(Customer.objects.filter(kind="individual", identity__checked_at__isnull=False)
                     .exclude(classes__kind="blacklist").order_by("pk")[:DEMO_LINES])
    numbers = list(NumberResource.objects.filter(status="free", grade__is_default=True)
                   .order_by("msisdn").values_list("msisdn", flat=True)[:len(customers)])
    opened = 0
    for i, (customer, msisdn) in enumerate(zip(customers, numbers, strict=False)):
        if not SimCard.objects.filter(hall=rep.hall, capacity="usim", status="in_stock").exists():
            break
        # Each step is its own transaction, as at the counter.
        number_reserve(actor=rep, msisdn=msisdn, customer=customer)
        order = order_open_account_create(actor=rep, customer=customer, msisdn=msisdn,
                                          product_code=plans[i % len(plans)], sim_capacity="usim",
                                          documents_checked=["id_original"], service_password="428571")
        order_open_account_pay(actor=rep, order=order, method="cash", agreement_signed=True)
        opened += 1
    work_orders_run(limit=50)
    if stdout is not None and opened:
        stdout.write(f"orders: {opened} demo lines opened")
    return opened


def load_premium_line(stdout=None) -> int:
    """One demo line on a premium number (三级靓号: at least 88 yuan a month for 12 months) on the 39-yuan
    plan, opened through the real process, so the line screen shows its minimum spend and each bill run
    tops its bills up to 88 yuan. Idempotent: only while no line has a minimum spend (so a database that
    has the other demo lines already gets it too)."""
    rep = Staff.objects.filter(username="rep1").first()
    if rep is None or not DEMO_LINES or LineCommitment.objects.exists():
        return 0
    msisdn = (NumberResource.objects.filter(status="free", grade__code="level3").order_by("msisdn")
              .values_list("msisdn", flat=True).first())
    customer = (Customer.objects.filter(kind="individual", identity__checked_at__isnull=False, lines__isnull=True)
                .exclude(classes__kind="blacklist").order_by("pk").first())
    if msisdn is None or customer is None or not SimCard.objects.filter(
            hall=rep.hall, capacity="usim", status="in_stock").exists():
        return 0
    number_reserve(actor=rep, msisdn=msisdn, customer=customer)
    order = order_open_account_create(actor=rep, customer=customer, msisdn=msisdn, product_code="DGDD-MG-39",
                                      sim_capacity="usim", documents_checked=["id_original"],
                                      service_password="428571")
    order_open_account_pay(actor=rep, order=order, method="cash", agreement_signed=True)
    work_orders_run(limit=5)
    if stdout is not None:
        stdout.write(f"orders: demo premium-number line {msisdn} with a minimum monthly spend")
    return 1


def load_plan_change(stdout=None) -> int:
    """A pending plan change (套餐变更) on the first demo line: from the first of next month to the 58-yuan
    plan, agreed at the counter, so the line screen shows it and offers its cancellation. Idempotent: only
    while no plan change exists."""
    from orders.models import PlanChange
    from orders.services.plan_change import line_plan_change

    rep = Staff.objects.filter(username="rep1").first()
    line = Line.objects.filter(status="active", plan__code="5G-ZX-128", commitments__isnull=True).order_by(
        "pk").first()
    if rep is None or line is None or PlanChange.objects.exists():
        return 0
    line_plan_change(actor=rep, line=line, plan="4G-FX-58", documents_checked=["id_original"],
                     agreement_signed=True)
    if stdout is not None:
        stdout.write(f"orders: demo plan change pending on {line.msisdn} (to 4G-FX-58 next month)")
    return 1

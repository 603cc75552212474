"""Two different services on the same line, customer and account at the same time, on PostgreSQL: each
pair ends with both done, or one done and the other refused with a clean domain error; never a deadlock
(`deadlock detected`, a 500 at the counter) nor any other exception; the money consistent afterwards.

The pairs: fee collection × customer data change; fee collection × pre-cancellation; transfer of
ownership × fee collection (and × pre-cancellation: a line process waiting for a transfer); bank collection
answer (bill settlement) × refund payment, and refunds × payments with the bill settlement job; an immediate
plan change of a line with a secondary card × secondary-card add and × fee collection; a plan correction of
the line × a removal of its card.

Two kinds of test per pair:
- Forced interleavings. A third connection holds one row with `boss.locks.lock` so that one service stops
  at it holding its first locks, the other service is started and seen waiting (pg_blocking_pids) behind
  the first, then the row is let go. This is the interleaving in which two services locking in different
  orders deadlock (fee collection × customer data change did before the one lock helper), and it makes the
  order in which the two commit known, so the outcome is asserted exactly.
- Free races: two threads, each calling its service 20 times, every round started together by a barrier.
"""

import threading
import time
import traceback
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from billing.models import (
    BankCollectionItem,
    Bill,
    BillSettlement,
    DocumentSequence,
    LedgerTransaction,
    Payment,
    PointsLot,
    PrepaidCharge,
    RefundCase,
)
from billing.selectors import account_money, ledger_check_balanced
from billing.services.bank_collection import bank_collection_create, bank_collection_item_answer
from billing.services.ledger import credit, debit, ledger_account_customer, ledger_account_revenue, transaction_post
from billing.services.payments import payment_collect
from billing.services.points import bills_settle
from billing.services.rating import line_plan_correct
from billing.services.refunds import refund_decide, refund_form_print, refund_pay, refund_request
from billing.tests import conftest as billing_fixtures
from boss.errors import DomainError
from boss.locks import lock
from boss.models import AuditEvent
from boss.permissions import system_actor
from customers.models import Account, Customer, Line
from customers.services import customer_update
from customers.tests.factories import CustomerFactory, IdentityFactory
from inventory.models import NumberResource
from orders.errors import ArrearsOutstandingError
from orders.models import Order
from orders.services import line_services
from orders.services.fee_collection import line_fee_collect
from orders.services.precancel import RetentionInput, line_precancel, line_reopen
from orders.services.transfer import line_transfer
from provisioning.services import work_orders_run

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# The apps' fixtures these races build on (the orders tests' live line comes from the orders.tests.fixtures
# plugin; the billing tests' bank-paying line from billing's conftest).
bank_line, billed_month, clerk = billing_fixtures.bank_line, billing_fixtures.billed_month, billing_fixtures.clerk
make_account, make_line, plan, system = (billing_fixtures.make_account, billing_fixtures.make_line,
                                         billing_fixtures.plan, billing_fixtures.system)
D = Decimal
ROUNDS = 20
DOCS = {"documents_checked": ["id_original"], "agreement_signed": True}
LEAVES = RetentionInput(reason="moving", offer="神州行保号套餐 8元", accepted=False)
TRANSFER_MINIMUM = D("200.00")   # the new owner's minimum prepayment (transfer.min_deposit)
MARCH, APRIL = date(2025, 3, 1), date(2025, 4, 1)
REFUND_DOCS = ["customer_id", "holder_id", "passbook"]


# --------------------------------------------------------------------------------------------------
# Sessions: each service call on a connection (a thread) of its own, as two counters would be
# --------------------------------------------------------------------------------------------------


class Session:
    """One call in a thread of its own with its own database connection; its backend pid is known before the
    call starts, so the test can see what the call waits for."""

    def __init__(self, name: str, call):
        self.name, self.call = name, call
        self.pid = None
        self.result = self.error = self.trace = None
        self._connected = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> "Session":
        self._thread.start()
        assert self._connected.wait(10), f"{self.name} did not connect"
        return self

    def _run(self):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self._connected.set()
            self.result = self.call()
        except Exception as exc:  # noqa: BLE001  the test inspects every failure
            self.error, self.trace = exc, traceback.format_exc()
        finally:
            self._connected.set()
            connection.close()

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()

    def join(self) -> "Session":
        self._thread.join(30)
        assert self.done, f"{self.name} still running after 30 s"
        return self


@contextmanager
def holding(qs):
    """Hold the rows of `qs` locked (FOR NO KEY UPDATE, as a service would) in a transaction of another
    connection until the block ends."""
    held, release = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic():
            rows = list(lock(qs))
            held.set()
            release.wait(30)
        return rows

    holder = Session("holder", hold).start()
    try:
        assert held.wait(10) and holder.error is None, holder.trace
        yield holder
    finally:
        release.set()
        holder.join()
    assert holder.error is None and holder.result, holder.trace


def waiting_for(session: Session, blocker: Session) -> None:
    """Wait until `session` is blocked on a lock `blocker` holds (or is queued for ahead of it)."""
    deadline = time.monotonic() + 30     # a loaded CI machine may take seconds to get a thread to its lock
    while time.monotonic() < deadline:
        assert not session.done, f"{session.name} ended instead of waiting for {blocker.name}: " \
                                 f"{session.trace or session.result!r}"
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_blocking_pids(%s)", [session.pid])
            if blocker.pid in cursor.fetchone()[0]:
                return
        time.sleep(0.01)
    pytest.fail(f"{session.name} never waited for {blocker.name}")


def clean(*sessions: Session) -> None:
    """Each call ended, returning or refusing with a domain error: no deadlock, nothing else."""
    for s in sessions:
        s.join()
        assert s.error is None or isinstance(s.error, DomainError), f"{s.name} failed:\n{s.trace}"


def succeeded(*sessions: Session) -> None:
    clean(*sessions)
    for s in sessions:
        assert s.error is None, f"{s.name} was refused: {s.error!r}"


def rounds(n: int, *calls) -> list[tuple[list, list[Exception]]]:
    """Thread k calls `calls[k](i)` for i in 0..n-1; each round all threads start together (a barrier).
    Returns (results, exceptions) of each thread."""
    barrier = threading.Barrier(len(calls))
    out = [([], []) for _ in calls]

    def worker(k):
        results, errors = out[k]
        try:
            for i in range(n):
                barrier.wait(30)
                try:
                    results.append(calls[k](i))
                except Exception as exc:  # noqa: BLE001  the test inspects every failure
                    exc.trace = traceback.format_exc()
                    errors.append(exc)
        except threading.BrokenBarrierError as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
        assert not t.is_alive(), "a racing thread is stuck"
    return out


def no_failure(*errors_lists) -> None:
    for errors in errors_lists:
        assert not errors, "".join(getattr(e, "trace", repr(e)) for e in errors[:2])


# --------------------------------------------------------------------------------------------------
# Helpers on the data
# --------------------------------------------------------------------------------------------------


def fresh(line: Line) -> Line:
    return Line.objects.select_related("account", "customer").get(pk=line.pk)


def balance(account_or_id) -> Decimal:
    pk = getattr(account_or_id, "pk", account_or_id)
    return account_money(Account.objects.get(pk=pk)).balance


def owe(account: Account, amount: Decimal) -> None:
    """Leave the account `amount` in arrears (a bill posted)."""
    charge = balance(account) + amount
    transaction_post(actor=system_actor(), kind="bill", postings=[
        debit(ledger_account_customer(account=account), charge),
        credit(ledger_account_revenue(fee_type="monthly"), charge)])
    assert account_money(account).arrears == amount


@pytest.fixture
def rep_b(make_staff):
    """A second rep at the same hall: the other counter."""
    return make_staff("sales_rep", username="rep_b")


def collect(actor, line, amount):
    return lambda: line_fee_collect(actor=actor, line=line, method="cash", amount=D(amount))


# --------------------------------------------------------------------------------------------------
# 1. Fee collection × customer data change
# --------------------------------------------------------------------------------------------------


def test_fee_collection_holding_the_line_and_a_data_change_holding_the_customer_both_go_through(live, rep_b):
    """Rule: fee collection (line, then account) and the line's customer-data change (customer, then line)
    lock in the one order, so with each holding its first lock they wait for each other instead of
    deadlocking (before `boss.locks.lock` the fee collection also locked the customer behind the account:
    `deadlock detected`). The collection commits first, then the change."""
    line = fresh(live.line)
    money_before = balance(line.account)
    with holding(Account.objects.filter(pk=line.account_id)) as holder:
        fee = Session("fee collection", collect(live.rep, line, "30.00")).start()
        waiting_for(fee, holder)          # holds the line, waits for the account
        change = Session("customer data", lambda: line_services.line_customer_data_change(
            actor=rep_b, line=line, contact_phone="13800001111", contact_address="福州市鼓楼区新地址", **DOCS)).start()
        waiting_for(change, fee)          # holds the customer, waits for the line
    succeeded(fee, change)
    customer = Customer.objects.get(pk=line.customer_id)
    assert (customer.contact_phone, customer.contact_address) == ("13800001111", "福州市鼓楼区新地址")
    assert change.result.kind == Order.Kind.CUSTOMER_DATA and change.result.state == Order.State.COMPLETED
    assert fee.result.payment.amount == D("30.00") and balance(line.account) == money_before + D("30.00")
    assert AuditEvent.objects.filter(action="line.customer_data").count() == 1
    assert ledger_check_balanced() == []


def test_a_data_change_holding_customer_and_line_makes_the_fee_collection_wait_its_turn(live, rep_b):
    """Rule: the other way round, a customer-data change that got the customer and waits for the line is served
    before a fee collection that came later for the same line; both go through."""
    line = fresh(live.line)
    money_before = balance(line.account)
    with holding(Line.objects.filter(pk=line.pk)) as holder:
        change = Session("customer data", lambda: line_services.line_customer_data_change(
            actor=rep_b, line=line, contact_phone="13800002222", **DOCS)).start()
        waiting_for(change, holder)       # holds the customer, waits for the line
        fee = Session("fee collection", collect(live.rep, line, "30.00")).start()
        waiting_for(fee, change)          # queued for the line behind the change
    succeeded(fee, change)
    assert Customer.objects.get(pk=line.customer_id).contact_phone == "13800002222"
    assert balance(line.account) == money_before + D("30.00") and ledger_check_balanced() == []


def test_twenty_rounds_of_fee_collection_against_customer_contact_changes(live, rep_b):
    """Rule: fee collections and contact changes of the same customer (at the line's counter screen and on the
    customer's own record) racing round after round all go through: 20 payments, 20 changes, the last
    contact number kept, the ledger balanced."""
    line = fresh(live.line)
    money_before = balance(line.account)

    def change(i):
        phone = f"1380000{i:04d}"
        if i % 2:
            return customer_update(actor=rep_b, customer=line.customer, contact_phone=phone)
        return line_services.line_customer_data_change(actor=rep_b, line=line, contact_phone=phone, **DOCS)

    (paid, pay_errors), (changed, change_errors) = rounds(
        ROUNDS, lambda i: line_fee_collect(actor=live.rep, line=line, method="cash", amount=D("10.00")), change)
    no_failure(pay_errors, change_errors)
    assert len(paid) == ROUNDS and len(changed) == ROUNDS
    assert balance(line.account) == money_before + D("10.00") * ROUNDS
    assert Customer.objects.get(pk=line.customer_id).contact_phone == f"1380000{ROUNDS - 1:04d}"
    assert Order.objects.filter(kind=Order.Kind.CUSTOMER_DATA).count() == ROUNDS // 2
    # Both ways change the contact through customers.customer_update, so each change audits it once.
    assert AuditEvent.objects.filter(action="customer.update_contact").count() == ROUNDS
    assert ledger_check_balanced() == []


# --------------------------------------------------------------------------------------------------
# 2. Fee collection × pre-cancellation
# --------------------------------------------------------------------------------------------------


def precancel(live, line):
    return lambda: line_precancel(actor=live.manager, line=line, retention=LEAVES, **DOCS)


def test_fee_collection_first_then_pre_cancellation_collects_only_the_arrears_left(live):
    """Rule: fee collection and pre-cancellation of one line are served one after the other (both lock the line
    first). A collection that got the line first pays part of the arrears; the pre-cancellation that waited
    collects exactly what is left, never the arrears a second time."""
    line = fresh(live.line)
    owe(line.account, D("50.00"))
    with holding(Account.objects.filter(pk=line.account_id)) as holder:
        fee = Session("fee collection", collect(live.rep, line, "20.00")).start()
        waiting_for(fee, holder)          # holds the line, waits for the account
        pre = Session("pre-cancellation", precancel(live, line)).start()
        waiting_for(pre, fee)             # waits for the line
    succeeded(fee, pre)
    assert fee.result.applied_to_arrears == D("20.00")
    assert pre.result.order.payment.amount == D("30.00")
    assert fresh(line).status == Line.Status.PENDING_CANCELLATION
    assert balance(line.account) == D("0.00") and ledger_check_balanced() == []


def test_pre_cancellation_first_then_fee_collection_is_a_prepayment(live):
    """Rule: a pre-cancellation that holds the line (stopped at the number it freezes, its payment already
    posted) makes a fee collection of the same line wait; the collection then finds the arrears cleared and
    the line pending cancellation, and takes the money as a prepayment."""
    line = fresh(live.line)
    owe(line.account, D("50.00"))
    with holding(NumberResource.objects.filter(msisdn=line.msisdn)) as holder:
        pre = Session("pre-cancellation", precancel(live, line)).start()
        waiting_for(pre, holder)          # holds the line (and has collected), waits for the number
        fee = Session("fee collection", collect(live.rep, line, "20.00")).start()
        waiting_for(fee, pre)             # waits for the line
    succeeded(fee, pre)
    assert pre.result.order.payment.amount == D("50.00")
    assert (fee.result.applied_to_arrears, fee.result.prepaid) == (D("0.00"), D("20.00"))
    assert fresh(line).status == Line.Status.PENDING_CANCELLATION
    assert NumberResource.objects.get(msisdn=line.msisdn).status == "frozen"
    assert balance(line.account) == D("20.00") and ledger_check_balanced() == []


def test_twenty_rounds_of_fee_collection_against_pre_cancelling_and_re_opening(live):
    """Rule: fee collections racing a line that is pre-cancelled and re-opened again and again (with the
    network's work orders run between) all go through, and so does every pre-cancellation and re-opening."""
    line = fresh(live.line)
    money_before = balance(line.account)

    def lifecycle(i):
        if i % 2 == 0:
            return precancel(live, line)()
        work_orders_run()
        order = line_reopen(actor=live.manager, line=line, **DOCS)
        work_orders_run()
        return order

    (paid, pay_errors), (done, lifecycle_errors) = rounds(
        ROUNDS, lambda i: line_fee_collect(actor=live.rep, line=line, method="cash", amount=D("10.00")), lifecycle)
    no_failure(pay_errors, lifecycle_errors)
    assert len(paid) == ROUNDS and len(done) == ROUNDS
    assert fresh(line).status == Line.Status.ACTIVE
    assert Order.objects.filter(kind=Order.Kind.PRECANCEL).count() == ROUNDS // 2
    assert Order.objects.filter(kind=Order.Kind.REOPEN).count() == ROUNDS // 2
    assert balance(line.account) == money_before + D("10.00") * ROUNDS and ledger_check_balanced() == []


# --------------------------------------------------------------------------------------------------
# 3. Transfer of ownership × fee collection
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def buyer(db):
    return CustomerFactory(identity=IdentityFactory(checked_at=timezone.now() - timedelta(minutes=5)))


def transfer(actor, line, new_customer):
    return lambda: line_transfer(actor=actor, line=line, new_customer=new_customer, service_password="582946",
                                 new_documents_checked=["id_original"], **DOCS)


def test_a_payment_of_the_arrears_holding_the_line_lets_the_waiting_transfer_through(live, rep_b, buyer):
    """Rule: a transfer (new owner's identity, then the line) and a fee collection (line, then account), each
    holding its first lock, do not deadlock. The collection pays the old owner's arrears on the old account;
    the transfer that waited finds them cleared and moves the line to the new owner."""
    line = fresh(live.line)
    old_account = line.account
    owe(old_account, D("30.00"))
    with holding(Account.objects.filter(pk=old_account.pk)) as holder:
        fee = Session("fee collection", collect(rep_b, line, "30.00")).start()
        waiting_for(fee, holder)          # holds the line, waits for the account
        move = Session("transfer", transfer(live.rep, line, buyer)).start()
        waiting_for(move, fee)            # holds the new owner's identity, waits for the line
    succeeded(fee, move)
    assert fee.result.payment.account_id == old_account.pk and balance(old_account) == D("0.00")
    after = fresh(line)
    assert after.customer_id == buyer.pk and after.account_id == move.result.details["new_account"]
    assert balance(after.account) == TRANSFER_MINIMUM and ledger_check_balanced() == []


def test_a_transfer_served_before_the_payment_of_the_arrears_is_refused_cleanly(live, rep_b, buyer):
    """Rule: when the transfer gets the line before the fee collection that would clear the arrears, it is
    refused with a domain error (the old owner's arrears come first) and writes nothing; the collection then
    goes through on the old account."""
    line = fresh(live.line)
    old_account = line.account
    owe(old_account, D("30.00"))
    accounts, orders = Account.objects.count(), Order.objects.count()
    with holding(Line.objects.filter(pk=line.pk)) as holder:
        move = Session("transfer", transfer(live.rep, line, buyer)).start()
        waiting_for(move, holder)         # holds the new owner's identity, waits for the line
        fee = Session("fee collection", collect(rep_b, line, "30.00")).start()
        waiting_for(fee, move)            # queued for the line behind the transfer
    clean(fee, move)
    assert fee.error is None and isinstance(move.error, ArrearsOutstandingError)
    assert move.error.code == "arrears_outstanding"
    after = fresh(line)
    assert (after.customer_id, after.account_id) == (old_account.customer_id, old_account.pk)
    assert (Account.objects.count(), Order.objects.count()) == (accounts, orders)
    assert balance(old_account) == D("0.00") and ledger_check_balanced() == []


def test_a_payment_waiting_for_a_transfer_goes_to_the_account_the_line_has_then(live, rep_b, buyer):
    """Rule: a fee collection that waited for a transfer of its line (the transfer holding the line, stopped
    at its receipt number) is taken on the account that owns the line when it is served, the new owner's;
    the old owner's account is left as it was."""
    line = fresh(live.line)
    old_account = line.account
    old_money = balance(old_account)
    with holding(DocumentSequence.objects.filter(hall=live.rep.hall).order_by("pk")) as holder:
        move = Session("transfer", transfer(live.rep, line, buyer)).start()
        waiting_for(move, holder)         # holds identity and line, waits for a document number
        fee = Session("fee collection", collect(rep_b, line, "20.00")).start()
        waiting_for(fee, move)            # waits for the line
    succeeded(fee, move)
    after = fresh(line)
    assert after.customer_id == buyer.pk and fee.result.payment.account_id == after.account_id != old_account.pk
    assert balance(after.account) == TRANSFER_MINIMUM + D("20.00") and balance(old_account) == old_money
    assert ledger_check_balanced() == []


def test_a_pre_cancellation_waiting_for_a_transfer_serves_the_line_as_the_transfer_left_it(live, buyer):
    """Rule: a line process that waited for a transfer of its line (which changed the line's customer and
    account) is served on the line as the transfer left it, as if it had come after it; never a 500 (a
    locking read joined to the customer and account rows the line had before found no line at all)."""
    line = fresh(live.line)
    with holding(DocumentSequence.objects.filter(hall=live.rep.hall).order_by("pk")) as holder:
        move = Session("transfer", transfer(live.rep, line, buyer)).start()
        waiting_for(move, holder)         # holds identity and line, waits for a document number
        pre = Session("pre-cancellation", precancel(live, line)).start()
        waiting_for(pre, move)            # waits for the line
    succeeded(move, pre)
    after = fresh(line)
    assert after.customer_id == buyer.pk and after.status == Line.Status.PENDING_CANCELLATION
    assert pre.result.order.customer_id == buyer.pk and after.account_id == move.result.details["new_account"]
    assert ledger_check_balanced() == []


def test_twenty_rounds_of_fee_collection_against_transfers_back_and_forth(live, rep_b, buyer):
    """Rule: fee collections racing a line transferred back and forth between two owners all go through, and
    so does every transfer; each payment lands on an account the line had, and no money is lost."""
    line = fresh(live.line)
    owner, first_account = line.customer, line.account
    money_before = balance(first_account)

    (paid, pay_errors), (moved, move_errors) = rounds(
        ROUNDS, lambda i: line_fee_collect(actor=rep_b, line=line, method="cash", amount=D("10.00")),
        lambda i: transfer(live.rep, line, buyer if i % 2 == 0 else owner)())
    no_failure(pay_errors, move_errors)
    assert len(paid) == ROUNDS and len(moved) == ROUNDS
    assert fresh(line).customer_id == owner.pk
    accounts = {first_account.pk} | {order.details["new_account"] for order in moved}
    assert {p.payment.account_id for p in paid} <= accounts
    total = sum((balance(pk) for pk in accounts), D("0.00"))
    assert total == money_before + TRANSFER_MINIMUM * ROUNDS + D("10.00") * ROUNDS
    assert ledger_check_balanced() == []


# --------------------------------------------------------------------------------------------------
# 4. Bill settlement (the bank collection's answer, the settlement job) × refund
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def cash_rep(rep, make_account):
    """The rep with 500 yuan cash in the drawer."""
    payment_collect(actor=rep, account=make_account(), amount=D("500.00"), method="cash")
    return rep


@pytest.fixture
def refund_world(bank_line, billed_month, clerk, cash_rep):
    """A bank-paying line (58 a month): March collected (`march_taken`), its bill settled with its points;
    April billed and its collection item waiting for the bank's answer; refund cases on the March
    collection approved and their forms printed."""
    class World:
        pass

    def make(march_taken="58.00", refunds=(("30.00", "30.00"),)):
        w = World()
        w.line = bank_line("13800138000", bank="CCB")
        w.account = w.line.account
        billed_month(MARCH)
        (batch,) = bank_collection_create(actor=clerk, period=MARCH)
        w.march_item = bank_collection_item_answer(actor=clerk, item=batch.items.get(), paid=True,
                                                   amount=D(march_taken))
        billed_month(APRIL)
        (batch,) = bank_collection_create(actor=clerk, period=APRIL)
        w.april_item = batch.items.get()
        w.cases = []
        for over, amount in refunds:
            case = refund_request(actor=hotline(), account=w.account, line=w.line, description="银行多扣了钱")
            case = refund_decide(actor=clerk, case=case, approve=True, over_deducted=D(over), amount=D(amount),
                                 collection_item=w.march_item, note="核实多扣")
            refund_form_print(actor=cash_rep, case=case)
            w.cases.append(case)
        w.march_bill = Bill.objects.get(account=w.account, period=MARCH)
        w.april_bill = Bill.objects.get(account=w.account, period=APRIL)
        return w

    return make


def answer(clerk, item, amount="58.00"):
    return lambda: bank_collection_item_answer(actor=clerk, item=item, paid=True, amount=D(amount))


def pay_refund(cash_rep, case, amount="30.00"):
    return lambda: refund_pay(actor=cash_rep, case=case, amount=D(amount), documents=REFUND_DOCS)


def points_left(bill):
    return PointsLot.objects.filter(bill=bill).values_list("remaining", flat=True).first()


def test_a_refund_holding_the_account_is_paid_before_the_waiting_collection_settles_bills(refund_world, clerk,
                                                                                           cash_rep):
    """Rule: the bank's answer for April (the account's lines, then the account) and the refund of March
    (the account, then the case) meet on the account and are served in turn. The refund, first, takes
    back the March points; the April collection then covers only part of what is owed again, so the April
    bill stays unpaid and earns no points."""
    w = refund_world()
    case = w.cases[0]
    with holding(RefundCase.objects.filter(pk=case.pk)) as holder:
        refund = Session("refund", pay_refund(cash_rep, case)).start()
        waiting_for(refund, holder)       # holds the account, waits for the case
        settle = Session("collection answer", answer(clerk, w.april_item)).start()
        waiting_for(settle, refund)       # holds the lines, waits for the account
    succeeded(refund, settle)
    assert refund.result.status == RefundCase.Status.PAID and refund.result.points_taken == 30
    assert settle.result.status == BankCollectionItem.Status.PAID
    assert points_left(w.march_bill) == 28
    assert not BillSettlement.objects.filter(bill=w.april_bill).exists() and points_left(w.april_bill) is None
    assert account_money(w.account).balance == D("-30.00") and ledger_check_balanced() == []


def test_a_collection_holding_the_account_settles_bills_before_the_waiting_refund(refund_world, clerk, cash_rep):
    """Rule: the other way round, the April answer holding lines and account (stopped at its item) is served
    before the refund that waits for the account: April is settled with its points, then the refund takes
    back only the March points; the balance is the same either way."""
    w = refund_world()
    case = w.cases[0]
    with holding(BankCollectionItem.objects.filter(pk=w.april_item.pk)) as holder:
        settle = Session("collection answer", answer(clerk, w.april_item)).start()
        waiting_for(settle, holder)       # holds the lines and the account, waits for the item
        refund = Session("refund", pay_refund(cash_rep, case)).start()
        waiting_for(refund, settle)       # waits for the account
    succeeded(refund, settle)
    assert refund.result.status == RefundCase.Status.PAID and refund.result.points_taken == 30
    assert BillSettlement.objects.get(bill=w.april_bill).points == 58 and points_left(w.april_bill) == 58
    assert points_left(w.march_bill) == 28
    assert account_money(w.account).balance == D("-30.00") and ledger_check_balanced() == []


def test_twenty_rounds_of_refunds_against_payments_and_the_settlement_job(refund_world, clerk, cash_rep, rep_b,
                                                                          system):
    """Rule: twenty refunds racing twenty rounds of payment plus the bill settlement job all go through; the
    April bill is settled exactly once when the money covers it, the refunded money (beyond the bill, on a
    receipt) takes no points, and the balance is exact."""
    w = refund_world(march_taken="80.00", refunds=[("1.00", "1.00")] * ROUNDS)

    def settle(i):
        payment_collect(actor=rep_b, account=w.account, amount=D("5.00"), method="cash")
        return bills_settle(actor=system, account_ids=[w.account.pk])

    (refunded, refund_errors), (settled, settle_errors) = rounds(
        ROUNDS, lambda i: pay_refund(cash_rep, w.cases[i], "1.00")(), settle)
    no_failure(refund_errors, settle_errors)
    assert all(case.status == RefundCase.Status.PAID for case in refunded) and sum(settled) == 1
    assert BillSettlement.objects.get(bill=w.april_bill).points == 58
    assert points_left(w.march_bill) == 58 and points_left(w.april_bill) == 58
    # 80 collected for March's 58, April's 58 billed, 20 × 5 paid, 20 × 1 refunded
    assert account_money(w.account).balance == D("80.00") - 2 * D("58.00") + D("100.00") - D("20.00")
    assert LedgerTransaction.objects.filter(kind="refund.bank_collection").count() == ROUNDS
    assert Payment.objects.filter(account=w.account, method="cash").count() == ROUNDS
    assert ledger_check_balanced() == []


def hotline():
    """The hotline agent who opens refund cases in these tests: neither the approving clerk nor the paying
    rep (requester, approver and payer are three people)."""
    from boss.tests.factories import StaffFactory

    return StaffFactory(role="complaint_reviewer", username="hotline_a", hall=None)


# --------------------------------------------------------------------------------------------------
# 5. Immediate plan change of a line with a secondary card × secondary-card add, × fee collection
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def sharing(live, add_numbers):
    """A prepaid primary line whose secondary card is the older line (the lower id: the line a removal or a
    collection of both lines locks first), a third line of the owner to add, both plans taking two cards;
    plan changes at once allowed, for a 5-yuan counter fee (its ledger posting locks the rep's cash drawer)."""
    from boss.models import TariffParameter
    from boss.tariffs import tariff_cache_clear
    from catalog.models import OneTimeFee, Plan
    from catalog.tests.factories import PlanFactory
    from orders.services.secondary_cards import line_secondary_add

    Plan.objects.filter(code="5G128").update(max_secondary_cards=2)
    PlanFactory(code="4G68", name="畅享68元", monthly_fee="68.00", valid_from=date(2024, 1, 1), max_secondary_cards=2)
    OneTimeFee.objects.create(code="PLANCHG", name="套餐变更手续费", business="plan_change", kind="service",
                              amount="5.00", valid_from=date(2020, 1, 1))
    TariffParameter.objects.update_or_create(key="plan_change.immediate", defaults={"value": "true"})
    tariff_cache_clear()
    card = live.line
    add_numbers("13912345672")
    primary = live.open_line("13912345671")     # not the premium number (its minimum spend would refuse 68)
    line_secondary_add(actor=live.rep, line=primary, secondary=card.msisdn, **DOCS)
    live.card, live.primary, live.third = card, fresh(primary), live.open_line("13912345672")
    assert live.card.pk < live.primary.pk < live.third.pk and live.primary.account.realtime_prepaid
    return live


def drawer_of(rep):
    from billing.models import LedgerAccount
    from billing.services.ledger import ledger_account_cash_drawer

    return LedgerAccount.objects.filter(pk=ledger_account_cash_drawer(staff=rep, method="cash").pk)


def change_at_once(live, line):
    from orders.services.plan_change import line_plan_change

    return lambda: line_plan_change(actor=live.rep, line=line, plan="4G68", immediate=True, tendered=D("5.00"),
                                    **DOCS)


def test_an_immediate_plan_change_locks_the_card_with_the_primary_and_the_card_add_waits(sharing, rep_b):
    """Rule: an immediate plan change rates the month again with the lines sharing the allowance; it locks
    them with the primary, in id order, before the ledger its fee is posted to (the one lock order; before, it
    locked the secondary card last, after the drawer and the ledger: a removal of that card, locking it first,
    deadlocked with it). A card add on the same primary, started while the change waits for the rep's drawer,
    waits for the primary and goes through after it."""
    from customers.models import SecondaryCard
    from orders.services.secondary_cards import line_secondary_add

    w, primary = sharing, sharing.primary
    with holding(drawer_of(w.rep)) as holder:
        change = Session("plan change", change_at_once(w, primary)).start()
        waiting_for(change, holder)       # holds both lines, waits for the drawer
        add = Session("card add", lambda: line_secondary_add(actor=rep_b, line=primary, secondary=w.third.msisdn,
                                                             **DOCS)).start()
        waiting_for(add, change)          # waits for the primary
    succeeded(change, add)
    assert fresh(primary).plan.code == "4G68" and change.result.payment.amount == D("5.00")
    assert sorted(SecondaryCard.objects.filter(primary=primary, until__isnull=True)
                  .values_list("secondary_id", flat=True)) == [w.card.pk, w.third.pk]
    assert ledger_check_balanced() == []


def test_a_card_added_while_the_immediate_plan_change_waits_for_the_primary_is_locked_with_the_lines(sharing, rep_b):
    """Rule: the other way round, a card add holding the primary (and waiting for the new card's line) is
    served first; the plan change that waited for the primary finds the new card in the month's group under
    the locks and locks its line too, still before the account, then rates the three lines together."""
    from customers.models import SecondaryCard
    from orders.services.secondary_cards import line_secondary_add

    w, primary = sharing, sharing.primary
    with holding(Line.objects.filter(pk=w.third.pk)) as holder:
        add = Session("card add", lambda: line_secondary_add(actor=rep_b, line=primary, secondary=w.third.msisdn,
                                                             **DOCS)).start()
        waiting_for(add, holder)          # holds the primary, waits for the new card's line
        change = Session("plan change", change_at_once(w, primary)).start()
        waiting_for(change, add)          # holds the old card's line (the lowest id), waits for the primary
    succeeded(change, add)
    assert fresh(primary).plan.code == "4G68"
    assert SecondaryCard.objects.filter(primary=primary, until__isnull=True).count() == 2
    assert ledger_check_balanced() == []


def test_an_immediate_plan_change_and_a_fee_collection_on_the_line_are_served_one_after_the_other(sharing):
    """Rule: a fee collection on the primary (its lines, then its account) started while the immediate plan
    change holds the lines and waits for the rep's drawer waits for the change, then goes through: the account
    gets the payment and pays the month's fees once."""
    w, primary = sharing, sharing.primary
    money_before = balance(primary.account)
    taken_before = set(PrepaidCharge.objects.filter(line=primary).values_list("pk", flat=True))
    with holding(drawer_of(w.rep)) as holder:
        change = Session("plan change", change_at_once(w, primary)).start()
        waiting_for(change, holder)       # holds both lines, waits for the drawer
        fee = Session("fee collection", collect(w.rep, primary, "30.00")).start()
        waiting_for(fee, change)          # waits for the primary
    succeeded(change, fee)
    assert fresh(primary).plan.code == "4G68" and fee.result.payment.amount == D("30.00")
    taken = sum(c.amount for c in PrepaidCharge.objects.filter(line=primary).exclude(pk__in=taken_before))
    assert taken > 0 and balance(primary.account) == money_before + D("30.00") - taken   # the month, once
    assert ledger_check_balanced() == []


def test_a_plan_correction_locks_the_card_before_the_primary_and_goes_through_after_a_card_removal(sharing, rep_b):
    """Rule: a plan correction rates the month again with the lines sharing the allowance; it locks them in id
    order (the card, the older line, before the primary) before anything else. Before, it locked the primary,
    then the card when rating: a removal of that card (the card, then the primary) waiting for the card with
    it deadlocked. Both wait for the card held by a third session, the removal first; the removal goes
    through, then the correction, which still rates the card's shared days with the primary."""
    from catalog.models import Plan
    from customers.models import SecondaryCard
    from orders.services.secondary_cards import line_secondary_remove

    w, primary = sharing, sharing.primary
    with holding(Line.objects.filter(pk=w.card.pk)) as holder:
        remove = Session("card removal", lambda: line_secondary_remove(actor=rep_b, line=primary,
                                                                       secondary=w.card.msisdn, **DOCS)).start()
        waiting_for(remove, holder)       # waits for the card's line
        correct = Session("plan correction", lambda: line_plan_correct(
            actor=system_actor(), line=primary, plan=Plan.objects.get(code="4G68"), period=timezone.localdate(),
            reason="wrong plan keyed")).start()
        waiting_for(correct, remove)      # queued for the card's line behind it, holding nothing (before: the primary)
    succeeded(correct, remove)
    assert correct.result.plan.code == "4G68"
    assert not SecondaryCard.objects.filter(primary=primary, until__isnull=True).exists()
    assert ledger_check_balanced() == []

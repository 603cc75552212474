"""Reads compiled once per process (boss/prepared.py) give what their querysets give, run one statement with
each call's values, and refuse what they cannot do."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import CharField, Q
from django.db.models.expressions import RawSQL
from django.db.transaction import TransactionManagementError
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from billing.selectors import accounts_money
from boss.locks import LockOrderError, lock
from boss.models import Hall
from boss.prepared import Prepared
from catalog.models import Plan
from customers.models import Account, Line, LineFeature
from customers.selectors import LINE_RELATED, _lines_of_number, line_feature_codes


@pytest.fixture
def two_lines(live):
    roaming = live.open_line("13912345671", features=["INTL_ROAM"], tendered=Decimal("900.00"))
    return live.line, roaming


def _related(line: Line) -> tuple:
    return (line.customer.name, line.customer.identity.number, line.account.payment_method, line.plan.code,
            line.hall.code)


def test_a_prepared_read_gives_the_querysets_instances_with_their_related_rows(two_lines):
    for line in two_lines:
        [orm] = Line.objects.select_related(*LINE_RELATED).filter(msisdn=line.msisdn)
        with CaptureQueriesContext(connection) as queries:
            [prepared] = _lines_of_number(LINE_RELATED)(line.msisdn)
            related = _related(prepared)
        assert len(queries) == 1   # the related rows came with it
        assert prepared.pk == orm.pk
        assert model_to_dict(prepared) == model_to_dict(orm)   # dates, timestamps, booleans converted alike
        assert related == _related(orm)
        assert not prepared._state.adding and prepared._state.db == "default"
    [plain] = _lines_of_number(())(two_lines[0].msisdn)
    assert model_to_dict(plain) == model_to_dict(two_lines[0])
    assert _lines_of_number(LINE_RELATED)("13900000000") == []


def test_prepared_values_give_the_querysets_values(two_lines):
    plain, roaming = two_lines
    assert line_feature_codes(roaming) == list(
        LineFeature.objects.filter(line=roaming, until=None).values_list("feature__code", flat=True)) == ["INTL_ROAM"]
    assert line_feature_codes(plain) == []
    # One account alone (prepared) and with another (the ORM's statement) give the same money.
    one = accounts_money([roaming.account])[roaming.account_id]
    both = accounts_money([roaming.account, plain.account])
    assert one == both[roaming.account_id] and one.balance > Decimal("0") and isinstance(one.deposit, Decimal)
    assert accounts_money([plain.account])[plain.account_id] == both[plain.account_id]


def test_a_prepared_read_is_compiled_once_and_runs_one_statement_a_call(two_lines):
    read = Prepared(lambda code: Plan.objects.filter(code=code).order_by(), str)
    [plan] = read("5G128")
    read.build = None   # compiled: the builder is not called again
    with CaptureQueriesContext(connection) as queries:
        assert read("5G128")[0].pk == plan.pk
        assert read("NO-SUCH-PLAN") == []
    assert len(queries) == 2
    by_id = Prepared(lambda pk, kind: Plan.objects.filter(pk=pk, kind=kind).order_by(), int, str)
    assert [p.pk for p in by_id(plan.pk, plan.kind)] == [plan.pk]
    assert by_id(plan.pk, "not-a-kind") == []


def _locked_without_the_helper(code):
    plans = Plan.objects.filter(code=code)
    vars(plans.query)["select_for_update"] = True   # what a bare lock sets (refused in the code: test_locks.py)
    return plans


@pytest.mark.parametrize(("build", "kinds", "error"), [
    (lambda code: lock(Plan.objects.filter(code=code), skip_locked=True, claim=True), (str,), "never as a claim"),
    (lambda code: _locked_without_the_helper(code), (str,), "through lock()"),
    (lambda code: lock(Plan.objects.filter(code=code)).values_list("pk"), (str,), "gives model instances"),
    (lambda code: Plan.objects.filter(code="5G128"), (str,), "must appear in its SQL"),
    (lambda code: Plan.objects.filter(code__startswith=code), (str,), "must appear in its SQL"),   # changed: "5G%"
    (lambda code: Plan.objects.filter(code=code).values("code"), (str,), "values_list"),
    (lambda code: Plan.objects.filter(code=code).prefetch_related("features"), (str,), "no prefetch"),
])
def test_what_a_prepared_read_cannot_do_is_refused_when_it_is_first_run(db, build, kinds, error):
    read = Prepared(build, *kinds)
    with pytest.raises(ValueError, match=error), CaptureQueriesContext(connection) as queries:
        read("5G128")
    assert len(queries) == 0


def test_a_prepared_lock_runs_the_orms_statement_and_its_rows_are_held_in_the_one_order(two_lines):
    line, other = two_lines
    read = Prepared(lambda pk, account: lock(Line.objects.filter(Q(pk=pk) | Q(account_id=account)).order_by("pk")),
                    int, int)
    with transaction.atomic():
        assert [ln.pk for ln in read(line.pk, other.account_id)] == sorted([line.pk, other.pk])
        orm = lock(Line.objects.filter(Q(pk=line.pk) | Q(account_id=other.account_id)).order_by("pk"))
        assert read._compiled["default"]["sql"] == orm.query.get_compiler(using="default").as_sql()[0]
    # The order check holds the prepared lock's rows as it holds the ORM's: a line after its account is refused.
    with pytest.raises(LockOrderError, match="customers.line locked after customers.account"), transaction.atomic():
        lock(Account.objects.filter(pk=line.account_id)).get()
        read(line.pk, line.account_id)


@pytest.mark.postgres
def test_a_prepared_lock_is_refused_outside_a_transaction_as_the_orm_refuses_it(transactional_db):
    from boss.tests.factories import HallFactory

    hall = HallFactory()
    read = Prepared(lambda pk: lock(Hall.objects.filter(pk=pk)), int)
    with pytest.raises(TransactionManagementError, match="outside of a transaction"):
        read(hall.pk)   # the ORM's own refusal, compiling
    with transaction.atomic():
        assert read.one(hall.pk).pk == hall.pk
    with pytest.raises(TransactionManagementError, match="outside of a transaction"), \
            CaptureQueriesContext(connection) as queries:
        read(hall.pk)   # compiled: refused before it runs
    assert len(queries) == 0


def test_a_parameter_is_a_string_an_integer_a_date_or_a_datetime(db):
    with pytest.raises(TypeError, match="a str, an int, a date or a datetime"):
        Prepared(lambda amount: Plan.objects.filter(monthly_fee=amount), Decimal)("1.00")


def test_a_date_parameter_may_appear_twice_and_gives_what_the_queryset_gives(two_lines):
    from datetime import date, timedelta

    from catalog.models import in_force_q

    plan = Plan.objects.get(code="5G128")
    Plan.objects.filter(pk=plan.pk).update(valid_from=date(2026, 1, 1), valid_until=date(2026, 6, 30))
    read = Prepared(lambda code, day: Plan.objects.filter(in_force_q(day), code=code).order_by("pk"), str, date)
    for day in (date(2025, 12, 31), date(2026, 1, 1), date(2026, 3, 15), date(2026, 6, 30), date(2026, 7, 1)):
        for _repeat in range(2):   # compiled at the first call; on PostgreSQL prepared on the server at the second
            assert [p.pk for p in read("5G128", day)] == [
                p.pk for p in Plan.objects.filter(in_force_q(day), code="5G128")], day
    assert [p.valid_until for p in read("5G128", date(2026, 2, 1))] == [date(2026, 6, 30)]
    assert read("5G128", date(2026, 1, 1) - timedelta(days=1)) == []


def test_a_datetime_parameter_gives_what_the_queryset_gives_at_the_microsecond_in_any_time_zone(two_lines):
    """An instant is handed to the database as the ORM hands it (on SQLite as text in UTC): a read of the rows
    after an instant agrees with the queryset one microsecond before, at and after a row's timestamp, and for the
    same instant written in Beijing time."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    plan = Plan.objects.get(code="5G128")
    stamp = datetime(2026, 3, 15, 1, 2, 3, 456789, tzinfo=UTC)
    Plan.objects.filter(pk=plan.pk).update(created_at=stamp)
    read = Prepared(lambda code, at: Plan.objects.filter(code=code, created_at__gt=at).order_by("pk"), str, datetime)
    micro = timedelta(microseconds=1)
    for at in (stamp - micro, stamp, stamp + micro, (stamp - micro).astimezone(ZoneInfo("Asia/Shanghai")),
               stamp.astimezone(ZoneInfo("Asia/Shanghai"))):
        for _repeat in range(2):   # compiled at the first call; on PostgreSQL prepared on the server at the second
            assert [p.pk for p in read("5G128", at)] == [
                p.pk for p in Plan.objects.filter(code="5G128", created_at__gt=at)], at
    assert [p.pk for p in read("5G128", stamp - micro)] == [plan.pk]
    assert read("5G128", stamp) == []


def test_a_key_beyond_64_bits_finds_no_row_as_the_orm_finds_none(two_lines):
    plain, _roaming = two_lines
    by_id = Prepared(lambda pk: Line.objects.filter(pk=pk).order_by(), int)
    for _repeat in range(3):   # on PostgreSQL the statement is prepared on the server at the second call
        assert [ln.pk for ln in by_id(plain.pk)] == [plain.pk]
    with CaptureQueriesContext(connection) as queries:
        assert by_id(2 ** 63) == by_id(-(2 ** 63) - 1) == list(Line.objects.filter(pk=2 ** 63)) == []
    assert len(queries) == 0   # neither asks the database


def test_the_first_row_or_none(two_lines):
    line, roaming = two_lines
    read = Prepared(lambda customer: Line.objects.filter(customer_id=customer).order_by("msisdn"), int)
    assert read.first(line.customer_id).msisdn == min(line.msisdn, roaming.msisdn)
    assert read.first(-1) is None


def test_one_row_is_given_as_get_gives_it(two_lines):
    plain, roaming = two_lines
    by_customer = Prepared(lambda customer: Line.objects.filter(customer_id=customer).order_by(), int)
    by_number = Prepared(lambda msisdn: Line.objects.filter(msisdn=msisdn), str)
    assert by_number.one(plain.msisdn).pk == Line.objects.get(msisdn=plain.msisdn).pk
    with pytest.raises(Line.DoesNotExist, match="Line matching query does not exist"):
        by_number.one("13900000000")
    assert plain.customer_id == roaming.customer_id
    with pytest.raises(Line.MultipleObjectsReturned):
        by_customer.one(plain.customer_id)


def test_the_order_to_pay_is_read_prepared_for_its_own_hall_and_refused_to_another(opening, make_staff, other_hall):
    from django.http import Http404

    from boss.models import AuditEvent
    from orders.selectors import order_get_to_pay
    from orders.services.open_account import order_open_account_create

    opening.reserve("13912345670", customer=opening.customer)
    order = order_open_account_create(actor=opening.rep, customer=opening.customer, msisdn="13912345670",
                                      product_code="5G128", sim_capacity="usim", service_password="428571",
                                      documents_checked=["id_original", "unit_letter", "licence"])
    with CaptureQueriesContext(connection) as queries:
        found = order_get_to_pay(actor=opening.rep, pk=order.pk)
        identity = found.customer.identity.number
    assert found.pk == order.pk and identity == opening.customer.identity.number
    # One statement reads the order with its customer and identity (the others: the rep's permissions).
    assert [q["sql"] for q in queries if "orders_order" in q["sql"]] == [
        q["sql"] for q in queries if "customers_customeridentity" in q["sql"]] and len(
        [q for q in queries if "orders_order" in q["sql"]]) == 1
    manager = make_staff("manager", username="mgr", hall=None)   # spans halls: the ORM's read
    assert order_get_to_pay(actor=manager, pk=order.pk).pk == order.pk
    stranger = make_staff("sales_rep", username="rep_b", hall=other_hall)
    with pytest.raises(Http404):
        order_get_to_pay(actor=stranger, pk=order.pk)
    assert AuditEvent.objects.filter(action="access.denied", actor=stranger).count() == 1


def test_a_literal_percent_sign_in_the_statement_is_kept(two_lines):
    read = Prepared(lambda msisdn: Line.objects.annotate(share=RawSQL("'100%%'", (), output_field=CharField()))
                    .filter(msisdn=msisdn), str)
    for line in two_lines * 2:   # a first call and later ones (on PostgreSQL: prepared on the server at the second)
        assert [(found.pk, found.share) for found in read(line.msisdn)] == [(line.pk, "100%")]


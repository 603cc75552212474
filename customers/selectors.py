"""Reads of customers, their classes and lines.

Scope: a customer is served at any hall (a customer walks into whichever hall is near), so finding a
customer by an exact identifier (a mobile number, an identity number) works from every hall. Browsing does
not (issue 12 item 9): lists, name searches and the screens by id show a staff member whose role does not
span halls the customers of their own hall (registered there or holding a line opened there) and the
customers of other halls they looked up exactly themselves (`ServedCustomer`, audited, until sign-out or
tariff customer.served_hours). What is personal is masked (boss.masking) and revealed only through the
audited `identity_reveal`. Hall scope of what belongs to a hall (orders, drawers, reservations) lies in the
apps that own them.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Collate
from django.http import Http404
from django.utils import timezone

from boss.models import AuditEvent
from boss.money import ZERO
from boss.permissions import access_denied, actor_spans_halls
from boss.prepared import Prepared
from customers.errors import BadMobileNumberError, CustomerNotFoundError, LineNotFoundError
from customers.external_blacklist import ExternalBlacklistHit, external_blacklist_hits
from customers.identity import identity_lookup_numbers, msisdn_normalize, normalize
from customers.models import (
    Account,
    Customer,
    CustomerClass,
    CustomerIdentity,
    Line,
    LineCommitment,
    LineFeature,
    ServedCustomer,
)
from customers.money import AccountMoney, accounts_money

# --------------------------------------------------------------------------------------------------
# Classes
# --------------------------------------------------------------------------------------------------


def active_class_q(on=None, prefix: str = "") -> Q:
    """Classes in force on a day: not revoked, started, not ended."""
    on = on or timezone.localdate()
    return (Q(**{f"{prefix}revoked_at__isnull": True, f"{prefix}since__lte": on})
            & (Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gte": on})))


def customer_classes_active(*, customer: Customer, on=None) -> list[CustomerClass]:
    """The classes in force, from a prefetch (`active_classes`) when the customer was listed with one."""
    if hasattr(customer, "active_classes"):
        return customer.active_classes
    return list(customer.classes.filter(active_class_q(on)).order_by("kind", "since"))


def with_active_classes(qs: QuerySet) -> QuerySet:
    """Prefetch each customer's classes in force as `customer.active_classes` (one query for a list)."""
    return qs.prefetch_related(Prefetch("classes", queryset=CustomerClass.objects.filter(active_class_q())
                                        .order_by("kind", "since"), to_attr="active_classes"))


def customer_is_blacklisted(*, customer: Customer, on=None) -> bool:
    return customer.classes.filter(active_class_q(on), kind=CustomerClass.Kind.BLACKLIST).exists()


# --------------------------------------------------------------------------------------------------
# Customers
# --------------------------------------------------------------------------------------------------


def customers_visible(qs: QuerySet, *, actor) -> QuerySet:
    """Limit customers to those the actor may browse: every customer for a role spanning halls; else the
    customers of the actor's hall (registered there or with a line opened there) and the customers the
    actor looked up exactly (`customer_served_mark`) since signing in, within tariff customer.served_hours."""
    from boss.tariffs import tariff

    if actor_spans_halls(actor):
        return qs
    hall_id = getattr(actor, "hall_id", None)
    if actor is None or not actor.is_authenticated or actor.pk is None:
        return qs.none()
    since = timezone.now() - timedelta(hours=tariff("customer.served_hours"))
    served = ServedCustomer.objects.filter(staff_id=actor.pk, customer=OuterRef("pk"), served_at__gte=since)
    own_hall = Q(pk__in=[])
    if hall_id is not None:
        own_hall = Q(created_hall_id=hall_id) | Q(Exists(Line.objects.filter(customer=OuterRef("pk"),
                                                                             hall_id=hall_id)))
    return qs.filter(own_hall | Q(Exists(served)))


# A hall with at most this many customers registered there and as many lines opened there is listed from
# their ids (`_customers_visible_few`).
FEW_CUSTOMERS = 5000


def customer_list_for_actor(*, actor) -> QuerySet:
    """Customers the actor may see, with identity and classes in force (no N+1 on list screens)."""
    if not actor.has_perm("customers.view_customer"):
        return Customer.objects.none()
    qs = Customer.objects.select_related("identity", "created_hall")
    hall_id = getattr(actor, "hall_id", None)
    if hall_id is not None and not actor_spans_halls(actor) and _hall_has_few_customers(hall_id):
        return with_active_classes(_customers_visible_few(qs, actor=actor, hall_id=hall_id))
    return with_active_classes(customers_visible(qs, actor=actor))


def _hall_has_few_customers(hall_id: int) -> bool:
    """Two index probes (no count): does the hall have more than FEW_CUSTOMERS customers or lines?"""
    return not (Customer.objects.filter(created_hall_id=hall_id).order_by("pk")[FEW_CUSTOMERS:].exists()
                or Line.objects.filter(hall_id=hall_id).order_by("pk")[FEW_CUSTOMERS:].exists())


def _customers_visible_few(qs: QuerySet, *, actor, hall_id: int) -> QuerySet:
    """`customers_visible` for a hall with few customers (an agent's counter), as the ids of its customers, of
    its lines' customers and of those the actor looked up. The ORs of EXISTS of `customers_visible` read the
    list's order (newest first, a name) until a page of the hall's customers turned up: for a hall with 117 of a
    million customers, the whole table (915 ms); the ids are a few index reads and a page of them sorted. A hall
    with many customers fills a page from the first rows of that order, which the ids would not."""
    from boss.tariffs import tariff

    since = timezone.now() - timedelta(hours=tariff("customer.served_hours"))
    ids = (Customer.objects.filter(created_hall_id=hall_id).values("pk")
           .union(Line.objects.filter(hall_id=hall_id).values("customer_id"),
                  ServedCustomer.objects.filter(staff_id=actor.pk, served_at__gte=since).values("customer_id")))
    return qs.filter(pk__in=ids)


class _Bytewise(Collate):
    """Text compared byte by byte: PostgreSQL's "C" collation, the order of customer_name_bytes_idx, in which a
    name prefix is one range read in order (customers/migrations/0012). SQLite compares bytes already (and has
    no collation named C)."""

    def __init__(self, expression):
        super().__init__(expression, "C")

    def as_sqlite(self, compiler, connection, **extra_context):
        return compiler.compile(self.get_source_expressions()[0])


def customers_by_name(qs: QuerySet, prefix: str) -> QuerySet:
    """The customers of `qs` whose name starts with `prefix`, in name order (by code point), then id: read from
    the index, so a page of a million customers costs a page."""
    return qs.filter(name__startswith=prefix).order_by(_Bytewise("name"), "pk")


def customer_get_for_actor(*, actor, pk: int) -> Customer:
    """One customer the actor may see (classes are read by the caller: the 360 page reads them all).
    Another hall's customer not looked up by this actor is not found (404, the refusal audited)."""
    if not actor.has_perm("customers.view_customer"):
        raise Http404
    customer = _customer_for_actor(_CUSTOMER_WITH_HALL, actor=actor, pk=pk)
    if customer is None:
        raise Http404
    return customer


# A customer by id with what the counter shows of it, compiled once per process (boss/prepared.py, issue 20).
_CUSTOMER = Prepared(lambda pk: Customer.objects.select_related("identity").filter(pk=pk).order_by(), int)
_CUSTOMER_WITH_HALL = Prepared(lambda pk: Customer.objects.select_related("identity", "created_hall").filter(pk=pk)
                               .order_by(), int)


def _customer_for_actor(read: Prepared, *, actor, pk) -> Customer | None:
    """The customer `pk` (`read` by its id) if the actor may see it (`customers_visible`), else None (a refusal of an
    existing customer audited). One plain query for a customer registered at the actor's own hall, the common
    case at the counter; the visibility query, whose ORs of EXISTS cost more to build than to run, only for
    another hall's customer."""
    found = read(int(pk))
    if not found:
        return None
    customer = found[0]
    hall_id = getattr(actor, "hall_id", None)
    own_hall = (hall_id is not None and customer.created_hall_id == hall_id and actor.is_authenticated
                and actor.pk is not None)
    if own_hall or actor_spans_halls(actor) or customers_visible(Customer.objects.filter(pk=pk), actor=actor).exists():
        return customer
    access_denied(actor=actor, what=f"customers.customer {pk}")
    return None


def customer_get(*, pk, actor) -> Customer:
    """A customer by id, for the counter screens, among those the actor may see (`customers_visible`).
    Raises CustomerNotFoundError (also for another hall's customer not looked up by the actor: the refusal
    is audited)."""
    customer = (_customer_for_actor(_CUSTOMER, actor=actor, pk=pk)
                if str(pk).isdigit() else None)
    if customer is None:
        raise CustomerNotFoundError(customer=str(pk)[:20])
    return customer


SERVED_ACTION = "customer.served_other_hall"


def customer_served_mark(*, actor, customers) -> None:
    """Record the customers of other halls the actor found by an exact identifier: they may now open them
    (the customer in front of the counter). One row and one audit event per customer and look-up."""
    from boss.audit import audit_record

    if actor_spans_halls(actor) or getattr(actor, "pk", None) is None:
        return
    hall_id = getattr(actor, "hall_id", None)
    visible = set(customers_visible(Customer.objects.filter(pk__in=[c.pk for c in customers]), actor=actor)
                  .values_list("pk", flat=True))
    others = [c for c in customers if c.pk not in visible]
    for customer in others:
        ServedCustomer.objects.create(staff_id=actor.pk, customer=customer)
        audit_record(actor=actor, action=SERVED_ACTION, target=customer, after={"hall": hall_id})


def customer_served_forget(*, actor) -> None:
    """At sign-out the customers looked up from other halls are no longer the rep's to open."""
    ServedCustomer.objects.filter(staff_id=actor.pk).delete()


def customer_class_get(*, customer: Customer, pk: int) -> CustomerClass:
    klass = customer.classes.filter(pk=pk).first()
    if klass is None:
        raise Http404
    return klass


def identity_is_minor(info) -> bool | None:
    """Whether the holder is under tariff identity.minor_age today (a guardian must be present, A3)."""
    from boss.tariffs import tariff

    age = info.age()
    return None if age is None else age < tariff("identity.minor_age")


def identity_get(*, doc_type: str, number: str) -> CustomerIdentity | None:
    return CustomerIdentity.objects.filter(doc_type=doc_type, number=normalize(number)).first()


def identity_customer(*, doc_type: str, number: str) -> int | None:
    """The customer already registered with this document (its id), or None: a duplicate points to it."""
    return (Customer.objects.filter(identity__doc_type=doc_type, identity__number=normalize(number))
            .values_list("pk", flat=True).first())


def duplicate_customer_served(*, actor, customer_id: int | None) -> int | None:
    """The customer a duplicate document points to, found by its exact number: the actor may open them
    (customer_served_mark, as an exact search would). Returns the id, or None."""
    if customer_id is not None:
        customer_served_mark(actor=actor, customers=list(Customer.objects.filter(pk=customer_id)))
    return customer_id


@dataclass
class SearchResult:
    customers: list[Customer] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)


def customer_search(*, actor, query: str, limit: int = 20) -> SearchResult:
    """Customers by identity number (normalised, exact, any document type; a 15-digit legacy number is
    converted), by name (prefix, uses the index) and lines by mobile number (exact).

    An identity number must reach this through a POST body, never a URL (the callers see to it). A search
    by identity number is throttled per user and audited with the number masked (issue 12 item 7).
    Raises IdentitySearchLimitError.
    """
    result = SearchResult()
    if not actor.has_perm("customers.view_customer"):
        return result
    query = (query or "").strip()
    # Exact identifiers find the customer whatever their hall (issue 12 item 9); a name browses only
    # the customers the actor may see.
    every = with_active_classes(Customer.objects.select_related("identity", "created_hall"))
    try:
        msisdn = msisdn_normalize(query)
    except BadMobileNumberError:
        msisdn = None
    if msisdn:
        result.lines = list(Line.objects.filter(msisdn=msisdn).select_related("customer", "customer__identity")
                            .order_by("-created_at")[:limit])
        owners = {line.customer_id for line in result.lines}
        if owners:
            result.customers = list(every.filter(pk__in=owners)[:limit])
            customer_served_mark(actor=actor, customers=result.customers)
        return result
    numbers = identity_lookup_numbers(query)
    if numbers:
        staff = actor.pk is not None     # a benchmark's unsaved actor is neither throttled nor audited
        if staff:
            _identity_search_allowed(actor=actor)
        result.customers = list(every.filter(identity__number__in=numbers).order_by("pk")[:limit])
        if staff:
            identity_search_audit(actor=actor, number=numbers[0], found=len(result.customers))
            customer_served_mark(actor=actor, customers=result.customers)
        if result.customers:
            return result
    result.customers = list(customers_by_name(customer_list_for_actor(actor=actor), query)[:limit])
    return result


IDENTITY_SEARCH_ACTION = "customer.search_identity"


def _identity_search_allowed(*, actor) -> None:
    """At most tariff identity.searches_per_hour searches by full identity number per user and hour
    (counted from the audit trail). Raises IdentitySearchLimitError."""
    from datetime import timedelta

    from boss.logging import security_log
    from boss.tariffs import tariff
    from customers.errors import IdentitySearchLimitError

    limit = tariff("identity.searches_per_hour")
    recent = AuditEvent.objects.filter(actor=actor, action=IDENTITY_SEARCH_ACTION,
                                       occurred_at__gte=timezone.now() - timedelta(hours=1)).count()
    if recent >= limit:
        security_log.warning("identity search throttled: user=%s", getattr(actor, "username", "?"))
        raise IdentitySearchLimitError(limit=limit)


def identity_search_audit(*, actor, number: str, found: int) -> None:
    """Each search by identity number is audited: who, when, where, how many found; the number masked."""
    from boss.audit import audit_record
    from boss.masking import mask

    audit_record(actor=actor, action=IDENTITY_SEARCH_ACTION, target=None,
                 after={"number": mask(number), "found": found})


# --------------------------------------------------------------------------------------------------
# The customer banner and the 360 page
# --------------------------------------------------------------------------------------------------

LINE_STATUS_TONES = {
    Line.Status.PENDING_ACTIVATION: "neutral",
    Line.Status.ACTIVE: "ok",
    Line.Status.SUSPENDED_REQUEST: "warn",
    Line.Status.SUSPENDED_LOSS: "warn",
    Line.Status.SUSPENDED_ARREARS: "bad",
    Line.Status.PENDING_CANCELLATION: "warn",
    Line.Status.CANCELLED: "neutral",
}

CLASS_TONES = {
    CustomerClass.Kind.VIP: "vip",
    CustomerClass.Kind.BLACKLIST: "bad",
    CustomerClass.Kind.REDLIST: "ok",
}


@dataclass(frozen=True)
class Banner:
    """What every process screen shows about whom the rep serves (ui.md)."""

    customer: Customer
    classes: list
    line: Line | None
    balance: Decimal
    arrears: Decimal
    external: list[ExternalBlacklistHit] = field(default_factory=list)  # the joint blacklist's entries

    @property
    def is_vip(self) -> bool:
        return any(c.kind == CustomerClass.Kind.VIP for c in self.classes)

    @property
    def is_blacklisted(self) -> bool:
        return any(c.kind == CustomerClass.Kind.BLACKLIST for c in self.classes) or bool(self.external)


def customer_banner(*, customer: Customer, line: Line | None = None) -> Banner:
    """The banner of a customer (their money over all accounts) or of one line (its account's money).

    Four queries at most: classes (none when prefetched), accounts, their money from the ledger, and the
    joint blacklist's entries about the identity (customers.external_blacklist).
    """
    classes = customer_classes_active(customer=customer)
    if line is not None:
        money = accounts_money([line.account])[line.account_id]
        balance, arrears = money.balance, money.arrears
    else:
        monies = accounts_money(Account.objects.filter(customer=customer)).values()
        balance = sum((m.balance for m in monies), ZERO)
        arrears = sum((m.arrears for m in monies), ZERO)
    external = external_blacklist_hits(doc_type=customer.identity.doc_type, number=customer.identity.number)
    return Banner(customer=customer, classes=classes, line=line, balance=balance, arrears=arrears,
                  external=external)


@dataclass
class AccountRow:
    account: Account
    money: AccountMoney
    lines: list


@dataclass
class Profile:
    customer: Customer
    classes_active: list
    classes_history: list
    lines: list
    accounts: list[AccountRow]
    events: list
    balance: Decimal = ZERO
    arrears: Decimal = ZERO

    @property
    def banner(self) -> Banner:
        """The customer banner from what the profile has read already (no further query)."""
        return Banner(customer=self.customer, classes=self.classes_active, line=None, balance=self.balance,
                      arrears=self.arrears)


def customer_profile(*, customer: Customer, event_limit: int = 30, just_created: bool = False) -> Profile:
    """Everything the 360 page shows, in a fixed number of queries whatever the customer holds.
    `just_created`: the customer was created in this request (customer_create), so holds no class, no line and
    no account yet (not read)."""
    all_classes = [] if just_created else list(
        customer.classes.select_related("set_by", "revoked_by").order_by("-since", "-pk"))
    today = timezone.localdate()
    active = sorted((c for c in all_classes if c.is_active(today)), key=lambda c: (c.kind, c.since))
    customer.active_classes = active  # what customer_classes_active() and the badges read
    lines = [] if just_created else list(customer.lines.select_related("plan", "hall").order_by("-created_at"))
    # The customer's own accounts and those their lines are billed to (another's, e.g. a corporate account),
    # by the ids of the lines already read: a join to the lines with an OR across it read every account and
    # line (1 s at 1,000,000 customers, issue 20); two indexed lookups instead.
    accounts = [] if just_created else list(
        Account.objects.filter(Q(customer=customer) | Q(pk__in={ln.account_id for ln in lines}))
        .order_by("pk"))
    money = accounts_money(accounts)
    rows = [AccountRow(a, money[a.pk], [ln for ln in lines if ln.account_id == a.pk]) for a in accounts]
    commitments = line_commitments_current(lines, today=today)
    for ln in lines:
        ln.current_commitment = commitments.get(ln.pk)
    line_ids = [str(ln.pk) for ln in lines]
    events = [] if not event_limit else list(
        AuditEvent.objects.filter(
            Q(target_type="customers.customer", target_id=str(customer.pk))
            | Q(target_type="customers.customeridentity", target_id=str(customer.identity_id))
            | Q(target_type="customers.line", target_id__in=line_ids)
        ).select_related("actor", "hall").order_by("-occurred_at", "-id")[:event_limit]
    )
    own = [r.money for r in rows if r.account.customer_id == customer.pk]
    return Profile(
        customer=customer, classes_active=active, classes_history=[c for c in all_classes if c not in active],
        lines=lines, accounts=rows, events=events,
        balance=sum((m.balance for m in own), ZERO), arrears=sum((m.arrears for m in own), ZERO),
    )


LINE_RELATED = ("customer__identity", "account", "plan", "hall")


def line_get_by_msisdn(*, msisdn: str, related: tuple[str, ...] = LINE_RELATED) -> Line:
    """The line of a number: the live one, else the one that held it last (a billing dispute or a fee
    recovery may come after cancellation). The one way every app finds a line by its number. `related`:
    the rows read with it; a counter request that needs fewer names them (each joined table costs CPU on
    every request, issue 20), a payment none (it re-reads what it changes under its locks).

    Raises BadMobileNumberError (not a mobile number), LineNotFoundError."""
    msisdn = msisdn_normalize(msisdn)
    # A number has held a handful of lines at most: they are ordered here rather than by an ORDER BY CASE,
    # whose compiling cost more than the query on every counter request that names a line (issue 20).
    held = _lines_of_number(related)(msisdn)
    if not held:
        raise LineNotFoundError(msisdn=msisdn)
    return min(held, key=lambda ln: (ln.status == Line.Status.CANCELLED, ln.cancelled_at is not None,
                                     -ln.cancelled_at.timestamp() if ln.cancelled_at else 0, -ln.pk))


_LINES_OF_NUMBER: dict[tuple[str, ...], Prepared] = {}


def _lines_of_number(related: tuple[str, ...]) -> Prepared:
    """The read of a number's lines with `related`, compiled once per process (boss/prepared.py)."""
    read = _LINES_OF_NUMBER.get(related)
    if read is None:
        read = _LINES_OF_NUMBER[related] = Prepared(
            lambda msisdn: Line.objects.select_related(*related).filter(msisdn=msisdn).order_by() if related
            else Line.objects.filter(msisdn=msisdn).order_by(), str)
    return read


_FEATURE_CODES = Prepared(lambda line: LineFeature.objects.filter(line_id=line, until=None)
                          .values_list("feature__code").order_by(), int)


def line_feature_codes(line: Line) -> list[str]:
    """The codes of the features a line has now (compiled once per process: every line read shows them)."""
    return [code for (code,) in _FEATURE_CODES(line.pk)]


def line_commitments_current(lines, *, today=None) -> dict:
    """The minimum-spend commitment (保底消费) each line is under today: not ended, not past its last day
    (one query whatever the number of lines). {line id: LineCommitment}."""
    today = today or timezone.localdate()
    ids = [ln.pk for ln in lines]
    if not ids:
        return {}
    rows = (LineCommitment.objects.filter(line_id__in=ids, ended_on__isnull=True)
            .filter(Q(until__isnull=True) | Q(until__gte=today)).order_by("since", "pk"))
    return {c.line_id: c for c in rows}


_LINES_OF_IDENTITY: dict[tuple[str, ...], Prepared] = {}


def line_count_for_identity(*, identity: CustomerIdentity, states) -> int:
    """Lines registered to the identity (as owner) in the given states: a handful at most (five per identity),
    counted from their ids by a read compiled once per process for each set of states (boss/prepared.py)."""
    states = tuple(states)
    if not states:
        return 0
    read = _LINES_OF_IDENTITY.get(states)
    if read is None:
        read = _LINES_OF_IDENTITY[states] = Prepared(lambda identity_id: Line.objects.filter(
            customer__identity_id=identity_id, status__in=states).values_list("pk").order_by(), int)
    return len(read(identity.pk))

"""Arrears (欠费停机): a reminder first, suspension of the account's active lines after
`billing.arrears_reminder_hours`, restoration when the balance is back.

The rule lives here, once: an account is in arrears while its balance is below minus its credit limit
(`account_below_limit`), and a line suspended for arrears may be restored when it no longer is
(`line_may_restore`). Fee collection (orders) restores through `arrears_lines_restore` in its own
transaction; the timed job `arrears_scan` reminds, suspends, and closes cases whose money came back.

Redlisted customers (红名单) are never reminded or suspended.

Locks: the job never waits for a counter. It takes its rows with SKIP LOCKED (the case, the lines in
pk order, then the account, the global order line → account); an account that a counter is serving is
simply left for the next scan, so a payment and a suspension can never deadlock or cross.
"""

from dataclasses import asdict, dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Sum, prefetch_related_objects
from django.utils import timezone

from billing.models import ArrearsCase, LedgerAccount, LedgerEntry
from billing.selectors import account_money
from boss.audit import audit_record
from boss.locks import lock
from boss.models import Staff
from boss.prepared import Prepared
from boss.tariffs import tariff
from customers.models import Account
from customers.money import AccountMoney

# --------------------------------------------------------------------------------------------------
# The rule
# --------------------------------------------------------------------------------------------------


def account_below_limit(account: Account, money: AccountMoney | None = None) -> bool:
    """In arrears: the balance is below minus the account's credit limit."""
    money = money or account_money(account)
    return money.balance < -account.credit_limit


def line_may_restore(line) -> bool:
    """A line suspended for arrears may be restored once its account is no longer below its limit."""
    from customers.models import Line

    return line.status == Line.Status.SUSPENDED_ARREARS and not account_below_limit(line.account)


def _redlisted(customer_id: int) -> bool:
    from customers.models import CustomerClass
    from customers.selectors import active_class_q

    return CustomerClass.objects.filter(active_class_q(), customer_id=customer_id,
                                        kind=CustomerClass.Kind.REDLIST).exists()


def accounts_below_limit():
    """Accounts below their credit limit with an active line, no open case and no redlisted owner:
    one grouped query over the customer ledger accounts."""
    from customers.models import CustomerClass, Line
    from customers.selectors import active_class_q

    owed = (LedgerEntry.objects.filter(account__kind=LedgerAccount.Kind.CUSTOMER,
                                       account__billing_account=OuterRef("pk"))
            .values("account__billing_account").annotate(s=Sum("amount")).values("s"))
    redlist = CustomerClass.objects.filter(active_class_q(), customer_id=OuterRef("customer_id"),
                                           kind=CustomerClass.Kind.REDLIST)
    return (Account.objects.annotate(owed=owed)
            .filter(owed__gt=F("credit_limit"))   # balance = -owed < -limit
            .filter(Exists(Line.objects.filter(account=OuterRef("pk"), status=Line.Status.ACTIVE)))
            .exclude(Exists(ArrearsCase.objects.filter(account=OuterRef("pk"), closed_at__isnull=True)))
            .exclude(Exists(redlist)).order_by("pk"))


# --------------------------------------------------------------------------------------------------
# Services
# --------------------------------------------------------------------------------------------------


def _skip_locked(qs):
    return lock(qs, skip_locked=True)


def _lines_locked(account_id: int, status: str):
    """The account's lines in a state, locked in pk order without waiting; None if a counter holds one."""
    from customers.models import Line

    qs = Line.objects.filter(account_id=account_id, status=status).order_by("pk")
    wanted = list(qs.values_list("pk", flat=True))
    got = list(lock(qs, skip_locked=True))
    prefetch_related_objects(got, "hall")
    return got if [ln.pk for ln in got] == wanted else None


@transaction.atomic
def arrears_remind(*, actor: Staff, account: Account) -> ArrearsCase | None:
    """Open an arrears case and remind the customer; the suspension is due after the reminder hours.
    Returns None when there is nothing to do (not in arrears, redlisted, a case is open, busy)."""
    account = _skip_locked(Account.objects.filter(pk=account.pk)).first()
    if account is None or ArrearsCase.objects.filter(account=account, closed_at__isnull=True).exists():
        return None
    money = account_money(account)
    if not account_below_limit(account, money) or _redlisted(account.customer_id):
        return None
    now = timezone.now()
    case = ArrearsCase.objects.create(account=account, balance_at_reminder=money.balance, reminded_at=now,
                                      suspend_after=now + timedelta(hours=tariff("billing.arrears_reminder_hours")))
    audit_record(actor=actor, action="arrears.remind", target=account,
                 after={"balance": str(money.balance), "credit_limit": str(account.credit_limit),
                        "suspend_after": case.suspend_after.isoformat()})
    _reminder_sms(account, case, owed=-money.balance)
    return case


def _reminder_sms(account: Account, case: ArrearsCase, *, owed) -> None:
    """The reminder goes by SMS to each active line of the account, in this transaction (the outbox sends it
    after commit, once per case and number)."""
    from django.utils.formats import date_format

    from customers.models import Line
    from notifications.services import notification_queue

    deadline = date_format(timezone.localtime(case.suspend_after), "Y-m-d H:i")
    for line in Line.objects.filter(account=account, status=Line.Status.ACTIVE).select_related("hall").order_by("pk"):
        notification_queue(template="billing.arrears_reminder", msisdn=line.msisdn,
                           params={"amount": f"{owed:.2f}", "deadline": deadline},
                           key=f"billing.arrears-reminder:{case.pk}:{line.msisdn}", hall=line.hall,
                           reference=f"arrears:{case.pk}")


def _close(case: ArrearsCase, reason: str) -> None:
    """Close a locked open case (REMINDED or SUSPENDED: an open case has no closed_at, a closed one has)."""
    case.close(when=timezone.now(), reason=reason)
    case.save(update_fields=["status", "closed_at", "close_reason"])


@transaction.atomic
def arrears_suspend(*, actor: Staff, case: ArrearsCase) -> ArrearsCase | None:
    """Suspend the active lines of an account still in arrears after its reminder (SUSPEND work
    orders); close the case instead if the money came back or the customer was redlisted meanwhile.
    Returns None (nothing done) when a counter holds the case, a line or the account right now."""
    from customers.models import Line
    from provisioning.models import WorkOrder
    from provisioning.services import work_order_create

    # The one lock order: the lines, the account, then the case; nothing waits (a busy row: next scan).
    lines = _lines_locked(case.account_id, Line.Status.ACTIVE)
    account = _skip_locked(Account.objects.filter(pk=case.account_id)).first()
    case = _skip_locked(ArrearsCase.objects.filter(pk=case.pk, status=ArrearsCase.Status.REMINDED)).first()
    if lines is None or account is None or case is None:
        return None
    money = account_money(account)
    if not account_below_limit(account, money):
        _close(case, "paid")
    elif _redlisted(account.customer_id):
        _close(case, "redlisted")
    else:
        for line in lines:
            line.suspend_for_arrears()
            line.save(update_fields=["status", "updated_at"])
            work_order_create(action=WorkOrder.Action.SUSPEND, msisdn=line.msisdn, line=line, hall=line.hall,
                              payload={"reason": "arrears"}, reference=f"arrears:{case.pk}")
        case.suspend(when=timezone.now(), lines=[ln.msisdn for ln in lines])
        case.save(update_fields=["status", "suspended_at", "suspended_lines"])
    audit_record(actor=actor, action="arrears.suspend", target=account,
                 after={"balance": str(money.balance), "case": case.pk, "status": case.status,
                        "lines": case.suspended_lines if case.status == ArrearsCase.Status.SUSPENDED else []})
    return case


def arrears_lines_restore(*, actor: Staff, account: Account, money: AccountMoney | None = None,
                          suspended: list | None = None) -> list:
    """In the CALLER's transaction (it audits): if the account is no longer below its limit, restore its
    lines suspended for arrears (RESUME work orders) and close its open case. Lines are locked in pk
    order; call it after locking the served line and before or after the account (payment_collect).
    `money` is the account's money when the caller holds the account's lock and knows it (a payment just
    made); else it is read from the ledger. `suspended`: the account's lines suspended for arrears, when the
    caller has locked them all (in pk order, before the account); else they are locked here.
    Returns the lines restored."""
    from customers.models import Line
    from provisioning.models import WorkOrder
    from provisioning.services import work_order_create

    if account_below_limit(account, money):
        return []
    if suspended is None:
        qs = Line.objects.filter(account_id=account.pk, status=Line.Status.SUSPENDED_ARREARS).order_by("pk")
        suspended = list(lock(qs))
    lines = sorted(suspended, key=lambda ln: ln.pk)
    prefetch_related_objects(lines, "hall")
    for line in lines:
        line.restore_from_arrears()
        line.save(update_fields=["status", "updated_at"])
        work_order_create(action=WorkOrder.Action.RESUME, msisdn=line.msisdn, line=line, hall=line.hall,
                          payload={"reason": "arrears_cleared"}, reference=f"arrears-restore:{account.pk}")
    # Most payments find no open case: asked by a read compiled once per process (issue 20), and only a case found is
    # locked. A case is opened under the account's lock (arrears_remind), so what this statement does not see, the
    # locking one would not have seen either.
    if _OPEN_CASES(account.pk):
        for case in lock(ArrearsCase.objects.filter(account_id=account.pk, closed_at__isnull=True)):
            _close(case, "paid")
    return lines


_OPEN_CASES = Prepared(lambda account: ArrearsCase.objects.filter(account_id=account, closed_at__isnull=True)
                       .values_list("pk").order_by(), int)


@transaction.atomic
def arrears_restore(*, actor: Staff, account: Account) -> list:
    """The audited service around `arrears_lines_restore` (the scan and bank collections use it)."""
    restored = arrears_lines_restore(actor=actor, account=account)
    audit_record(actor=actor, action="arrears.restore", target=account,
                 after={"lines": [ln.msisdn for ln in restored]})
    return restored


@dataclass
class ScanResult:
    reminded: int = 0
    suspended: int = 0
    closed: int = 0
    busy: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def arrears_scan(*, actor: Staff, now=None) -> ScanResult:
    """The timed job: remind accounts newly below their limit, suspend those still below after the
    reminder hours, close cases whose money came back (restoring lines). Every account is its own
    transaction; safe to run twice, side by side or killed."""
    now = now or timezone.now()
    result = ScanResult()
    for account in list(accounts_below_limit()):
        if arrears_remind(actor=actor, account=account) is not None:
            result.reminded += 1
    for case in list(ArrearsCase.objects.filter(status=ArrearsCase.Status.REMINDED, suspend_after__lte=now)):
        done = arrears_suspend(actor=actor, case=case)
        if done is None:
            result.busy += 1
        elif done.status == ArrearsCase.Status.SUSPENDED:
            result.suspended += 1
        else:
            result.closed += 1
    for case in list(ArrearsCase.objects.filter(closed_at__isnull=True).select_related("account")):
        if not account_below_limit(case.account):
            arrears_restore(actor=actor, account=case.account)
            result.closed += 1
    return result

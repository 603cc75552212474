"""Print and sign before commit (免填单, issue 16): the one mechanism every process on a line with an
agreement goes through, the way the opening does.

1. **Draft** (`line_process_draft`): the rep enters the business; the process's own service is run in a
   transaction that is always rolled back (a dry run), so every rule refuses now, at the form, and what it
   would charge is known. What stays is one order in the state draft: the fee lines and the amount due as
   the service computed them, and the input to carry out later (`details["draft"]`). A draft takes
   nothing: no money, no line state, no number, no stock, no audit of the business.
2. **Agreement** (`line_process_agreement_html`): the agreement is the process's own, rendered from the
   order the service makes in another dry run filled into the draft's row: the same order number, the fees,
   what changes. The customer signs it.
3. **Commit** (`line_process_commit`): only with the signed box; the service runs for real and fills the
   draft's row (`lifecycle.order_into_draft`), takes the money, writes its work order and its audit. Fees
   that changed since the agreement was printed are refused (print again).

An abandoned draft is cancelled by the rep or, after `order.draft_hours`, by the timed job
`line_drafts_expire`; its input is erased either way. Secrets typed by the customer or a manager
(passwords) never go into the draft: the caller keeps what the commit needs of them and hands it back. The
counter's session (a database row) keeps no password readable (orders.views.lines): a new service password
as the keyed hash the line will hold, a manager's approval as who approved (checked once, at entry).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from boss.audit import audit_record
from boss.locks import lock, lock_by_key
from boss.models import Staff
from boss.tariffs import tariff
from customers.models import Line
from orders.errors import AgreementNotSignedError, DraftSecretsLostError, FeesChangedError, OrderStateError
from orders.models import Order, OrderLine
from orders.services.lifecycle import order_into_draft

# run(data) -> Order: the process's service with the validated input (the screen's and the API's mapping,
# orders.line_processes), plus agreement_signed, method and tendered.
Run = Callable[[dict], Order]

DRAFT_KEY = "draft"


def is_line_draft(order: Order) -> bool:
    """A process on a line entered and not yet committed (an opening's draft is the opening's own)."""
    return order.state == Order.State.DRAFT and DRAFT_KEY in (order.details or {})


def draft_input(order: Order) -> dict:
    return dict((order.details or {}).get(DRAFT_KEY, {}).get("input", {}))


def _secrets_check(order: Order, secrets: dict | None) -> dict:
    """The passwords the draft was entered with (their names are on the draft, never their values) must be
    handed back: a draft continued in another session cannot be carried out. Raises DraftSecretsLostError."""
    secrets = dict(secrets or {})
    wanted = (order.details or {}).get(DRAFT_KEY, {}).get("secrets", [])
    if any(not secrets.get(name) for name in wanted):
        raise DraftSecretsLostError()
    return secrets


def _storable(data: dict) -> dict:
    """The input as JSON (money and numbers as strings), never a password."""
    return {k: (v if isinstance(v, (list, str, int, bool)) or v is None else str(v))
            for k, v in data.items() if "password" not in k}


class _DryRunDoneError(Exception):
    """Raised to roll a dry run back whatever it wrote."""


@dataclass(frozen=True)
class Preview:
    customer_id: int
    documents: list
    details: dict
    amount_due: Decimal
    lines: list[tuple[str, str, str, str, Decimal]]   # code, item, kind, fee_type, amount
    html: str = ""


def _dry_run(run: Run, data: dict, *, draft: Order | None = None, render: Callable[[Order], str] | None = None
             ) -> Preview:
    """Carry the process out in a transaction that is rolled back: its refusals are raised, nothing it wrote
    stays (rows, locks, audit events, on-commit tasks and SMS are dropped with it). Money as if paid in
    cash to the yuan: the amounts are those of the commit."""
    preview: Preview | None = None
    try:
        with transaction.atomic():
            with order_into_draft(draft):
                order = run({**data, "agreement_signed": True, "method": "cash", "tendered": None})
            preview = Preview(
                customer_id=order.customer_id, documents=list(order.documents_checked), details=dict(order.details),
                amount_due=order.amount_due,
                lines=[(ol.code, ol.item, ol.kind, ol.fee_type, ol.amount) for ol in order.lines.all()],
                html=render(order) if render else "")
            raise _DryRunDoneError
    except _DryRunDoneError:
        pass
    assert preview is not None
    return preview


def line_process_draft(*, actor: Staff, line: Line, kind: str, data: dict, run: Run,
                       secrets: dict | None = None) -> Order:
    """Enter a process on a line as a draft: every rule of the process is checked now (a dry run of its
    service), the fees are computed, and nothing is taken. `secrets` (passwords) are used for the check and
    not kept. Returns the draft order. Raises every refusal of the process's service."""
    preview = _dry_run(run, {**data, **(secrets or {})})
    with transaction.atomic():
        order = Order.objects.create(
            kind=kind, hall=actor.hall, actor=actor, customer_id=preview.customer_id, line=line, msisdn=line.msisdn,
            documents_checked=preview.documents, amount_due=preview.amount_due,
            details={**preview.details, DRAFT_KEY: {"input": _storable(data),
                                                    "secrets": sorted(k for k, v in (secrets or {}).items() if v)}})
        OrderLine.objects.bulk_create([OrderLine(order=order, code=code, item=item, kind=k, fee_type=fee_type,
                                                 amount=amount) for code, item, k, fee_type, amount in preview.lines])
        audit_record(actor=actor, action="order.draft", target=order,
                     after={"kind": kind, "amount_due": str(order.amount_due)})
    return order


def line_process_agreement_html(*, order: Order, run: Run, template: str, context: Callable[[Order], dict],
                                secrets: dict | None = None) -> str:
    """The agreement of a draft as the commit will make it (same number, same fees), rendered from a dry run
    of the process filled into the draft's row. Raises the process's refusals (e.g. the line changed)."""
    if not is_line_draft(order):
        raise OrderStateError(state=order.state)
    secrets = _secrets_check(order, secrets)
    preview = _dry_run(run, {**draft_input(order), **secrets}, draft=order,
                       render=lambda made: render_to_string(template, context(made)))
    return preview.html


@transaction.atomic
def line_process_commit(*, actor: Staff, order: Order, run: Run, agreement_signed: bool, method: str = "",
                        tendered=None, secrets: dict | None = None) -> Order:
    """Carry out a draft the customer has signed: the process's service runs for real into the draft's row,
    takes the money and writes its work order and audit. Refused, with nothing written, without the signed
    box, for an order that is no draft any more, and when the fees differ from the printed agreement's.
    Raises AgreementNotSignedError, OrderStateError, DraftSecretsLostError, FeesChangedError and the process's
    refusals."""
    # Read, not locked: the process locks its rows first (customer, line, account) and then the draft, in
    # order_open, where a second commit of the same draft finds it carried out (boss/locks.py's order).
    order = Order.objects.get(pk=order.pk)
    if not is_line_draft(order):
        raise OrderStateError(state=order.state)
    if not agreement_signed:
        raise AgreementNotSignedError()
    secrets = _secrets_check(order, secrets)
    printed = order.amount_due
    with order_into_draft(order):
        done = run({**draft_input(order), **secrets, "agreement_signed": True, "method": method,
                    "tendered": tendered})
    if done.pk != order.pk:     # a process that did not open its order through order_open: a bug, not a refusal
        raise RuntimeError(f"process {order.kind} did not carry out its draft")
    if done.amount_due != printed:
        raise FeesChangedError(printed=str(printed), now=str(done.amount_due))
    return done


@transaction.atomic
def line_draft_cancel(*, actor: Staff, order: Order, reason: str) -> Order:
    """Abandon a draft: it is cancelled and its input erased; nothing else was ever taken.
    Raises OrderStateError."""
    order = lock_by_key(Order, order.pk)
    if not is_line_draft(order):
        raise OrderStateError(state=order.state)
    _cancel(order, reason)
    audit_record(actor=actor, action="order.cancel", target=order, reason=reason, after={"state": order.state})
    return order


def _cancel(order: Order, reason: str) -> None:
    order.details = {k: v for k, v in order.details.items() if k != DRAFT_KEY}
    order.cancel(when=timezone.now(), reason=reason)
    order.save()


def line_drafts_expire(*, actor: Staff, now=None) -> int:
    """The timed clean-up: drafts older than `order.draft_hours` are cancelled, each in its own transaction
    (a draft being committed right now is locked and skipped; it is no draft after that). Safe to run
    twice. Returns how many were cancelled."""
    before = (now or timezone.now()) - timedelta(hours=tariff("order.draft_hours"))
    done = 0
    candidates = (Order.objects.filter(state=Order.State.DRAFT, created_at__lt=before)
                  .filter(Q(details__has_key=DRAFT_KEY)).values_list("pk", flat=True))
    for pk in list(candidates):
        with transaction.atomic():
            order = lock(Order.objects.filter(pk=pk), skip_locked=True).first()
            if order is None or not is_line_draft(order):
                continue
            _cancel(order, _("Abandoned: not committed in time"))
            audit_record(actor=actor, action="order.draft_expire", target=order, after={"state": order.state})
            done += 1
    return done

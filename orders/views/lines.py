"""The line's screen (综合业务): the line, its money, features and discounts, the portability check (A6), the
processes its state allows, its orders and documents; and one screen per process, each with the customer
banner, what is due, the form, the agreement; post/redirect/get to the order's page."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from billing.models import Document
from billing.selectors import account_money
from billing.services.documents import document_pdf
from boss.db import one_snapshot
from boss.errors import DomainError
from boss.forms import form_add_domain_error, form_key, form_key_renew, form_submission, form_submission_key
from boss.idempotency import idempotent
from boss.masking import mask
from boss.pdf import html_pdf, pdf_context, pdf_response
from boss.permissions import approver_authenticate
from boss.selfservice import terminal_processes
from boss.tariffs import tariff
from customers.passwords import ServicePasswordHash, service_password_seal
from customers.selectors import line_commitments_current
from orders.forms import FeeLookupForm, OrderCancelForm
from orders.line_forms import FORMS, LineCommitForm, ReprintForm, cash_block_hide
from orders.line_processes import BY_KIND, BY_SLUG, PROCESSES
from orders.models import Order, RetentionAttempt
from orders.selectors import line_get_by_msisdn_for_actor, order_get_for_actor
from orders.services.cancellation import cancel_preview
from orders.services.drafts import (
    draft_input,
    is_line_draft,
    line_draft_cancel,
    line_process_agreement_html,
    line_process_commit,
    line_process_draft,
)
from orders.services.lifecycle import services_allowed
from orders.services.line_services import line_invoice_reprint
from orders.services.plan_change import plan_change_pending
from orders.services.portability import line_portability
from orders.services.precancel import precancel_charges
from orders.services.secondary_cards import card_fee, line_sharing
from orders.services.transfer import transfer_quote
from orders.views.common import repeat_payment_refused


@dataclass(frozen=True)
class Due:
    item: str
    amount: Decimal
    pay: bool = True  # part of what the customer pays now (else shown for information)
    code: str = ""    # what the screen looks for ("refund": the cash handed back)


def _line(request, msisdn):
    try:
        return line_get_by_msisdn_for_actor(actor=request.user, msisdn=msisdn)
    except DomainError:
        raise Http404 from None


def itemised_bill_url(line) -> str:
    """The itemised bill (清单) of the line for this month; its page moves between the months."""
    return reverse("billing:itemised", kwargs={"line_id": line.pk, "period": timezone.localdate().replace(day=1)})


def _documents(line):
    return list(Document.objects.filter(Q(customer_id=line.customer_id) | Q(msisdn=line.msisdn))
                .select_related("hall").order_by("-id")[:12])


@never_cache
@login_required
@permission_required("orders.serve_line", raise_exception=True)
def line_lookup(request):
    """Type a number, get the line's screen."""
    form = FeeLookupForm(request.GET or None)
    if form.is_bound and form.is_valid():
        try:
            line = line_get_by_msisdn_for_actor(actor=request.user, msisdn=form.cleaned_data["msisdn"])
        except DomainError as exc:
            form.add_error("msisdn", exc.message)
        else:
            return redirect("orders:line_detail", msisdn=line.msisdn)
    return render(request, "orders/line_lookup.html", {"form": form}, status=400 if form.errors else 200)


@one_snapshot
@never_cache
@login_required
@permission_required("orders.serve_line", raise_exception=True)
def line_detail(request, msisdn: str):
    line = _line(request, msisdn)
    allowed = set(services_allowed(line))
    processes = [p for p in PROCESSES if p.kind in allowed and request.user.has_perm(p.perm)]
    documents = _documents(line)
    secondary_cards, primary_card = line_sharing(line)
    context = {
        "line": line, "customer": line.customer, "money": account_money(line.account),
        "features": list(line.line_features.select_related("feature").filter(until=None)),
        "discounts": list(line.line_discounts.filter(until__isnull=True).select_related("discount")),
        "commitment": line_commitments_current([line]).get(line.pk),
        "processes": processes, "portability": line_portability(line=line),
        "orders": list(Order.objects.filter(line=line).order_by("-id")[:10]),
        "documents": documents, "reprint_form": ReprintForm(documents=documents),
        "may_reprint": "invoice_reprint" in allowed, "itemised_bill_url": itemised_bill_url(line),
        "retention": RetentionAttempt.objects.filter(line=line).first(),
        "plan_change": plan_change_pending(line),
        "secondary_cards": secondary_cards, "primary_card": primary_card,
        "terminal_processes": terminal_processes(),
    }
    return render(request, "orders/line_detail.html", context)


def _preview(slug: str, line) -> list[Due]:
    """What the process will cost or pay back now, shown beside its form (the service decides again)."""
    if slug == "precancel":
        return [Due(c.item, c.amount) for c in precancel_charges(line=line)]
    if slug in ("cancel", "port-out"):
        p = cancel_preview(line=line)
        if p is None:
            return [Due(_("The account stays with the owner's other lines: nothing is settled."), Decimal("0.00"),
                        False)]
        return [Due(_("Arrears now"), p.arrears, False), Due(_("Deposit held"), p.deposit, False),
                Due(_("Prepaid balance"), p.credit, False), Due(_("Deposit applied to arrears"), p.deposit_applied,
                                                                False),
                Due(_("The customer pays first"), p.top_up), Due(_("Refunded in cash"), p.refund, False, code="refund")]
    if slug == "transfer":
        return [Due(q.item, q.amount) for q in transfer_quote(line=line, corporate=False).lines]
    if slug == "roaming" and not line.account.corporate:
        return [Due(_("Deposit for international roaming"), tariff("roaming.deposit"))]
    if slug == "secondary-add":
        fee = card_fee(on_date=timezone.localdate())
        return [Due(_("Monthly fee of each secondary card, on this line's bill: %(name)s")
                    % {"name": fee["card_fee_name"]}, Decimal(fee["card_fee"]), False, code="card_fee")] if fee else []
    if slug == "cancel-fee-recovery":
        return [Due(_("Arrears now"), account_money(line.account).arrears)]
    return []


def _params(data: dict) -> dict:
    return {k: (v if isinstance(v, (list, str, int, bool)) or v is None else str(v)) for k, v in data.items()
            if "password" not in k}


def process_runner(request, process, line):
    """run(data) -> Order: the process's service for this line with the screen's (or the draft's) input."""
    return lambda data: process.run(actor=request.user, line=line, data=data, request=request)


SECRETS = "orders.draft_secrets"
# What the counter's session keeps of a password typed for a draft, in its place: the session is a row of the
# database, so never the digits. A new service password is kept as the keyed hash the line will hold (its key
# is not in the database); a manager's password is checked once, when the draft is entered, and the session
# keeps who approved (`override_approved_by`).
_SEAL = {"service_password": service_password_seal}
_UNSEAL = {"service_password": ServicePasswordHash}


def draft_secrets(request, order_pk: int) -> dict:
    """What a draft's commit needs of the passwords typed for it: kept in this rep's session only, never on the
    order."""
    kept = (request.session.get(SECRETS) or {}).get(str(order_pk)) or {}
    return {name: _UNSEAL[name](value) if name in _UNSEAL else value for name, value in kept.items()}


def _draft_secrets_approve(request, data: dict, secrets: dict) -> dict:
    """A manager's approval typed for a draft is checked now, once: the draft carries who approved, not the
    password. Raises DomainError (a wrong user name or password, at the password field)."""
    secrets = dict(secrets)
    password = secrets.pop("override_password", "")
    if data.get("override_username"):
        secrets["override_approved_by"] = approver_authenticate(request, username=data["override_username"],
                                                                password=password).pk
    return secrets


def _draft_secrets_keep(request, order_pk: int, secrets: dict | None) -> None:
    """Keep (or, with none, drop) a draft's secrets in the session, sealed (`_SEAL`); the entries of drafts
    carried out, cancelled or expired meanwhile go too."""
    kept = dict(request.session.get(SECRETS) or {})
    kept.pop(str(order_pk), None)
    if kept:
        drafts = set(Order.objects.filter(pk__in=[int(pk) for pk in kept], state=Order.State.DRAFT)
                     .values_list("pk", flat=True))
        kept = {pk: value for pk, value in kept.items() if int(pk) in drafts}
    if secrets:
        unsealed = [name for name in secrets if "password" in name and name not in _SEAL]
        if unsealed:    # a new password field: say how its draft keeps it (_SEAL), never the value itself
            raise ValueError(f"no seal for the draft secret {unsealed}")
        kept[str(order_pk)] = {name: _SEAL[name](value) if name in _SEAL else value
                               for name, value in secrets.items()}
    request.session[SECRETS] = dict(list(kept.items())[-10:])


@never_cache
@login_required
def line_process(request, msisdn: str, slug: str):
    """Step 1 of a process on a line: enter it. A change with an agreement becomes a draft (every rule
    checked, nothing taken) whose screen prints the agreement, takes the signature and the money; a process
    without an agreement (fee recovery) is done here."""
    process = BY_SLUG.get(slug)
    if process is None:
        raise Http404
    if not request.user.has_perm(process.perm):
        raise PermissionDenied
    line = _line(request, msisdn)
    form_class = FORMS[slug]
    # A link may fill in what the customer already chose elsewhere (an accepted offer's plan), never more.
    initial = {k: request.GET[k] for k in getattr(form_class, "prefill", ()) if request.GET.get(k)}
    subject = f"lines.{process.kind}:{line.pk}"
    one_step = process.money and not process.documents
    if one_step and (renewed := form_key_renew(request, subject)) is not None:
        return renewed
    due = _preview(slug, line)
    amount_due = sum((d.amount for d in due if d.pay), Decimal("0.00"))
    if request.method == "POST":
        form = form_class(request.POST, line=line)
        submitted = form_submission(request, request.POST.get("idempotency_key")) if one_step else None
    elif one_step:
        # A money form keeps its key in the session: the form Back brings back replays the first result.
        fkey = form_key(request, subject)
        form, submitted = form_class(line=line, key=fkey.key, initial=initial), fkey.submitted
    else:
        form, submitted = form_class(line=line, initial=initial), None
    known_free = bool(due) and not amount_due      # the preview says what is due, and it is nothing
    if one_step and known_free:
        cash_block_hide(form)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("confirm_repeat", None)
        key = data.pop("idempotency_key")
        params = _params(data)
        if one_step:
            key = form_submission_key(request, key, scope=f"lines.{process.kind}", params={"line": line.pk, **params})
            if "confirm_repeat" in form.fields:
                repeat_payment_refused(form, line=line, amount=amount_due, submitted=form_submission(request, key))
    if request.method == "POST" and form.is_valid() and process.documents:
        try:
            secrets = _draft_secrets_approve(request, data, {k: v for k, v in data.items() if "password" in k and v})
            result = idempotent(
                actor=request.user, key=key, scope=f"lines.{process.kind}.draft", params={"line": line.pk, **params},
                run=lambda: (201, {"order": line_process_draft(
                    actor=request.user, line=line, kind=process.kind, secrets=secrets,
                    data={k: v for k, v in data.items() if "password" not in k},
                    run=process_runner(request, process, line)).pk}))
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            if secrets:
                _draft_secrets_keep(request, result.body["order"], secrets)
            return redirect("orders:line_draft", pk=result.body["order"])
    elif request.method == "POST" and form.is_valid():
        try:
            result = idempotent(actor=request.user, key=key, scope=f"lines.{process.kind}",
                                params={"line": line.pk, **params},
                                run=lambda: (201, {"order": process.run(actor=request.user, line=line, data=data,
                                                                        request=request).pk}))
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("The business is done."))
            return redirect("orders:order_detail", pk=result.body["order"])
    context = {"line": line, "customer": line.customer, "process": process, "form": form, "due": due,
               "amount_due": amount_due, "submitted": submitted, "cash_block": one_step and not known_free,
               "refund": next((d.amount for d in due if d.code == "refund"), None),
               "allowed": process.kind in services_allowed(line),
               "steps": draft_steps(0) if process.documents else None}
    return render(request, "orders/line_process.html", context, status=400 if form.errors else 200)


DRAFT_STEPS = [gettext_lazy("Enter the business"), gettext_lazy("Print, sign, pay and commit")]


def draft_steps(current: int) -> list[dict]:
    return [{"n": i + 1, "label": label, "state": "done" if i < current else ("current" if i == current else "")}
            for i, label in enumerate(DRAFT_STEPS)]


def _draft_order(request, pk: int):
    order = order_get_for_actor(actor=request.user, pk=pk)
    process = BY_KIND.get(order.kind)
    if process is None or order.line is None:
        raise Http404
    if not request.user.has_perm(process.perm):
        raise PermissionDenied
    return order, process


@never_cache
@login_required
def line_draft(request, pk: int):
    """Step 2 of a process on a line (the opening's confirm step for every other business): the draft's fees,
    the agreement to print (P), the customer-signed box, the money, commit; or cancel the draft."""
    order, process = _draft_order(request, pk)
    if not is_line_draft(order):
        return redirect("orders:order_detail", pk=order.pk)
    line = order.line
    # The key is kept in the session: the form Back brings back replays the commit made.
    form = LineCommitForm(request.POST or None, key=form_key(request, f"orders.commit:{order.pk}").key,
                          due=order.amount_due)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = idempotent(
                actor=request.user, key=data["idempotency_key"], scope="orders.line_commit",
                params={"order": order.pk, "method": data.get("method") or "", "tendered": str(data.get("tendered")),
                        "signed": data["agreement_signed"]},
                run=lambda: (200, {"order": line_process_commit(
                    actor=request.user, order=order, run=process_runner(request, process, line),
                    agreement_signed=data["agreement_signed"], method=data.get("method") or "",
                    tendered=data.get("tendered"), secrets=draft_secrets(request, order.pk)).pk}))
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            _draft_secrets_keep(request, order.pk, None)
            done = Order.objects.get(pk=result.body["order"])
            if done.details.get("outcome") == "retained":
                messages.success(request, _("The customer stays: the retention is recorded and the line is unchanged."))
                return redirect("orders:line_detail", msisdn=line.msisdn)
            messages.success(request, _("%(process)s: done.") % {"process": process.label})
            return redirect("orders:order_detail", pk=done.pk)
    return render(request, "orders/line_draft.html",
                  {"order": order, "line": line, "customer": line.customer, "process": process, "form": form,
                   "steps": draft_steps(1), "cancel_form": OrderCancelForm(),
                   "entered": draft_summary(order),
                   "refund": next((d.amount for d in _preview(process.slug, line) if d.code == "refund"), None)},
                  status=400 if form.errors else 200)


def draft_summary(order: Order) -> list[tuple[str, str]]:
    """What the rep entered, as labels and values the customer can read (labels, never codes)."""
    form = FORMS[BY_KIND[order.kind].slug](draft_input(order), line=order.line)
    rows = []
    for name, value in draft_input(order).items():
        field = form.fields.get(name)
        choices = {str(k): v for k, v in (getattr(field, "choices", None) or [])}
        if field is None or value in (None, "", []) or (value is False and not choices):
            continue
        if isinstance(value, bool) and choices:      # a yes/no answer given as a choice (the customer stays)
            value = "1" if value else "0"
        if isinstance(value, list):
            shown = "、".join(str(choices.get(str(v), v)) for v in value)
        elif value is True:
            shown = _("yes")
        elif name == "new_customer":                  # the draft's customer is the new owner: named, not numbered
            shown = order.customer.name
        elif name.endswith("number") and name != "new_msisdn":    # identity and bank numbers: masked on screen
            shown = mask(str(value))
        else:
            shown = str(choices.get(str(value), value))
        rows.append((str(field.label), shown))
    return rows


@require_POST
@login_required
def line_draft_cancel_view(request, pk: int):
    """Abandon a draft (the customer leaves): nothing was taken; the draft is cancelled and its input erased."""
    order, _process = _draft_order(request, pk)
    form = OrderCancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for cancelling."))
        return redirect("orders:line_draft", pk=order.pk)
    try:
        line_draft_cancel(actor=request.user, order=order, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("orders:order_detail", pk=order.pk)
    _draft_secrets_keep(request, order.pk, None)
    messages.success(request, _("The draft was cancelled: nothing was charged or changed."))
    return redirect("orders:line_detail", msisdn=order.line.msisdn)


def line_draft_agreement_pdf(request, order: Order) -> bytes:
    """The agreement of a draft as the commit will make it (orders.services.drafts). Raises the process's
    refusals (the line changed since the draft was entered)."""
    process = BY_KIND[order.kind]
    with translation.override("zh-hans"):
        html = line_process_agreement_html(
            order=order, run=process_runner(request, process, order.line), template="orders/pdf/line_agreement.html",
            context=lambda made: pdf_context(line_agreement_context(made)), secrets=draft_secrets(request, order.pk))
    return html_pdf(html)


@require_POST
@login_required
@permission_required("orders.serve_line", raise_exception=True)
def line_invoice_reprint_view(request, msisdn: str):
    """Reprint a document of the line's customer (补打): the PDF says so; the print is audited."""
    line = _line(request, msisdn)
    documents = _documents(line)
    form = ReprintForm(request.POST, documents=documents)
    if form.is_valid():
        document = next(d for d in documents if d.pk == form.cleaned_data["document"])
        try:
            _order, printed = line_invoice_reprint(actor=request.user, line=line, document=document,
                                                   reason=form.cleaned_data["reason"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return pdf_response(document_pdf(document=document, copy=printed.copy), f"{document.display_number}.pdf")
    else:
        messages.error(request, _("Choose the document and say why it is printed again."))
    return redirect("orders:line_detail", msisdn=line.msisdn)


def premium_terms(details: dict) -> dict | None:
    """The premium number's agreement an order was quoted with (its details), for the agreement the
    customer signs: grade, minimum monthly spend, agreement months. None for an ordinary number."""
    spend = Decimal(details.get("min_monthly_spend") or "0")
    months = int(details.get("agreement_months") or 0)
    if spend <= 0 and months <= 0:
        return None
    return {"grade": details.get("grade", ""), "min_spend": spend, "months": months}


def line_agreement_context(order: Order) -> dict:
    """What the agreement of a process on a line shows (免填单): the order, the owner (the old one too for a
    transfer), the fees in capital numerals, the retention of a pre-cancellation."""
    from boss.money import yuan_capital
    from customers.models import Customer

    old_owner = None
    if order.kind == Order.Kind.TRANSFER and order.details.get("old_customer"):
        old_owner = Customer.objects.select_related("identity").filter(pk=order.details["old_customer"]).first()
    return {"order": order, "capital": yuan_capital(order.amount_due), "old_owner": old_owner,
            "retention": RetentionAttempt.objects.filter(order=order).first(), "details": order.details,
            "premium": premium_terms(order.details) if order.kind == Order.Kind.NUMBER_CHANGE else None}

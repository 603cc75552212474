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
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from billing.models import Document
from billing.selectors import account_money
from billing.services.documents import document_pdf
from boss.db import one_snapshot
from boss.errors import DomainError
from boss.forms import form_add_domain_error, form_key, form_key_renew, form_submission, form_submission_key
from boss.idempotency import idempotent
from boss.pdf import pdf_response
from boss.tariffs import tariff
from customers.selectors import line_commitments_current
from orders.forms import FeeLookupForm
from orders.line_forms import FORMS, ReprintForm, cash_block_hide
from orders.line_processes import BY_SLUG, PROCESSES
from orders.models import Order, RetentionAttempt
from orders.selectors import line_get_by_msisdn_for_actor
from orders.services.cancellation import cancel_preview
from orders.services.lifecycle import services_allowed
from orders.services.line_services import line_invoice_reprint
from orders.services.plan_change import plan_change_pending
from orders.services.portability import line_portability
from orders.services.precancel import precancel_charges
from orders.services.secondary_cards import line_sharing
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
        "features": [lf for lf in line.line_features.all() if lf.until is None],
        "discounts": list(line.line_discounts.filter(until__isnull=True).select_related("discount")),
        "commitment": line_commitments_current([line]).get(line.pk),
        "processes": processes, "portability": line_portability(line=line),
        "orders": list(Order.objects.filter(line=line).order_by("-id")[:10]),
        "documents": documents, "reprint_form": ReprintForm(documents=documents),
        "may_reprint": "invoice_reprint" in allowed, "itemised_bill_url": itemised_bill_url(line),
        "retention": RetentionAttempt.objects.filter(line=line).first(),
        "plan_change": plan_change_pending(line),
        "secondary_cards": secondary_cards, "primary_card": primary_card,
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
    if slug == "cancel-fee-recovery":
        return [Due(_("Arrears now"), account_money(line.account).arrears)]
    return []


@never_cache
@login_required
def line_process(request, msisdn: str, slug: str):
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
    if process.money and (renewed := form_key_renew(request, subject)) is not None:
        return renewed
    due = _preview(slug, line)
    amount_due = sum((d.amount for d in due if d.pay), Decimal("0.00"))
    if request.method == "POST":
        form = form_class(request.POST, line=line)
        submitted = form_submission(request, request.POST.get("idempotency_key"))
    elif process.money:
        # A money form keeps its key in the session: the form Back brings back replays the first result.
        fkey = form_key(request, subject)
        form, submitted = form_class(line=line, key=fkey.key, initial=initial), fkey.submitted
    else:
        form, submitted = form_class(line=line, initial=initial), None
    known_free = bool(due) and not amount_due      # the preview says what is due, and it is nothing
    if process.money and known_free:
        cash_block_hide(form)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("confirm_repeat", None)
        key = data.pop("idempotency_key")
        params = {k: (v if isinstance(v, (list, str, int, bool)) or v is None else str(v)) for k, v in data.items()
                  if "password" not in k}
        if process.money:
            key = form_submission_key(request, key, scope=f"lines.{process.kind}", params={"line": line.pk, **params})
            if "confirm_repeat" in form.fields:
                repeat_payment_refused(form, line=line, amount=amount_due, submitted=form_submission(request, key))
    if request.method == "POST" and form.is_valid():
        try:
            result = idempotent(actor=request.user, key=key, scope=f"lines.{process.kind}",
                                params={"line": line.pk, **params},
                                run=lambda: (201, {"order": process.run(actor=request.user, line=line, data=data,
                                                                        request=request).pk}))
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            order = Order.objects.get(pk=result.body["order"])
            if order.details.get("outcome") == "retained":
                messages.success(request, _("The customer stays: the retention is recorded and the line is unchanged."))
                return redirect("orders:line_detail", msisdn=line.msisdn)
            messages.success(request, _("%(process)s: done. Print the agreement for the customer to sign.")
                             % {"process": process.label} if process.documents else _("The business is done."))
            return redirect("orders:order_detail", pk=order.pk)
    context = {"line": line, "customer": line.customer, "process": process, "form": form, "due": due,
               "amount_due": amount_due, "submitted": submitted, "cash_block": process.money and not known_free,
               "refund": next((d.amount for d in due if d.code == "refund"), None),
               "allowed": process.kind in services_allowed(line)}
    return render(request, "orders/line_process.html", context, status=400 if form.errors else 200)


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

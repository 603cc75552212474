"""Fee collection at the counter (process 2): number → name (masked) and amount due → collect (唱收唱付)
→ invoice; and the documents of the hall as PDFs (every print after the first is a copy, 补打)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from billing.models import Payment
from billing.selectors import account_amount_due, account_money, payment_documents
from billing.services.documents import document_pdf, document_print
from boss.errors import DomainError
from boss.forms import form_add_domain_error, form_key, form_key_renew, form_submission, form_submission_key
from boss.idempotency import idempotent
from boss.pdf import pdf_response
from boss.permissions import get_for_actor
from orders.forms import FeeCollectForm, FeeLookupForm
from orders.selectors import document_get_for_actor, line_get_by_msisdn_for_actor
from orders.services.fee_collection import line_fee_collect
from orders.services.recommendations import recommendation_list
from orders.views.common import repeat_payment_refused


@never_cache
@login_required
@permission_required("orders.collect_fee", raise_exception=True)
def fee_collection(request):
    lookup = FeeLookupForm(request.GET or None)
    line = money = submitted = key = None
    due_items = []
    form = FeeCollectForm(request.POST or None)
    if lookup.is_bound and lookup.is_valid():
        try:
            line = line_get_by_msisdn_for_actor(actor=request.user, msisdn=lookup.cleaned_data["msisdn"])
        except DomainError as exc:
            form_add_domain_error(lookup, exc)
            lookup.add_error("msisdn", exc.message) if "msisdn" not in lookup.errors else None
    if line is not None:
        subject = f"lines.payment:{line.pk}"
        if (renewed := form_key_renew(request, subject)) is not None:
            return renewed
        money = account_money(line.account)
        due_items = account_amount_due(line.account)
        if form.is_bound:
            submitted = form_submission(request, request.POST.get("idempotency_key"))
        else:
            # The key of this line's form is kept in the session: the form Back brings back replays.
            fkey = form_key(request, subject)
            submitted = fkey.submitted
            form = FeeCollectForm(key=fkey.key, initial={"amount": sum(i.amount for i in due_items) or None})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            params = {"line": line.pk, "method": data["method"], "amount": str(data["amount"]),
                      "tendered": str(data["tendered"]), "serial": data["recharge_serial"]}
            key = form_submission_key(request, data["idempotency_key"], scope="lines.payment", params=params)
            if repeat_payment_refused(form, line=line, amount=data["amount"],
                                      submitted=form_submission(request, key)):
                key = None
        if request.method == "POST" and form.is_valid() and key:
            try:
                result = idempotent(actor=request.user, key=key, scope="lines.payment",
                                    params=params, run=lambda: (201, {"payment": line_fee_collect(
                                        actor=request.user, line=line, method=data["method"], amount=data["amount"],
                                        tendered=data["tendered"], recharge_serial=data["recharge_serial"],
                                        recharge_pin=data["recharge_pin"]).payment.pk}))
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                return redirect("orders:payment_result", pk=result.body["payment"])
    return render(request, "orders/fee_collection.html", {
        "lookup": lookup, "line": line, "money": money, "form": form, "due_items": due_items,
        "due_total": sum(i.amount for i in due_items),
        "customer": line.customer if line else None, "submitted": submitted},
        status=400 if form.is_bound and form.errors else 200)


@never_cache
@login_required
@permission_required("orders.collect_fee", raise_exception=True)
def payment_result(request, pk: int):
    payment = get_for_actor(Payment.objects.select_related("line__customer__identity", "account", "hall"),
                            request.user, pk=pk)
    customer = payment.account.customer
    context = {"payment": payment, "documents": payment_documents(payment_id=payment.pk), "customer": customer,
               "line": payment.line, "money": account_money(payment.account)}
    if request.user.has_perm("catalog.view_offer"):
        context.update(recommendations=recommendation_list(customer=customer), outcome_business="fee_collection",
                       inline_outcome=True)
    return render(request, "orders/payment_result.html", context)


@never_cache
@login_required
@permission_required("orders.view_order", raise_exception=True)
def document_pdf_view(request, pk: int):
    document = document_get_for_actor(actor=request.user, pk=pk)
    printed = document_print(actor=request.user, document=document)
    return pdf_response(document_pdf(document=document, copy=printed.copy), f"{document.display_number}.pdf")

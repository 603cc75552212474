"""The redemption screens: the counter's redemption (find the line, the points by lot, the gifts in stock at
this hall with their pictures, the checks, confirm), one redemption (waiting live for the big-customer room,
the call to the customer, the hand-over, the receipt, the return), the list, and the room's worklist."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from billing.selectors import points_summary
from boss.errors import DomainError
from boss.forms import form_add_domain_error, form_key, form_key_renew, form_submission, form_submission_key
from boss.idempotency import idempotent
from boss.pdf import pdf_response, render_pdf
from customers.models import Customer
from customers.selectors import line_get_by_msisdn
from inventory.models import Gift
from inventory.selectors import gifts_in_stock_at
from loyalty.forms import AnswerForm, CompleteForm, LookupForm, RedeemForm, ReturnForm
from loyalty.models import Redemption
from loyalty.selectors import (
    confirmations_open,
    orders_to_collect,
    redemption_get_for_actor,
    redemption_list_for_actor,
)
from loyalty.services.redemptions import (
    Topup,
    redemption_answer,
    redemption_call,
    redemption_complete,
    redemption_pickup,
    redemption_return,
    redemption_start,
    redemption_timeout_check,
)
from orders.line_processes import agent_of

State = Redemption.State


def _topup(data: dict) -> Topup:
    return Topup(method=data.get("method") or "", tendered=data.get("tendered"))


def _params(data: dict) -> dict:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in data.items()}


@never_cache
@login_required
@permission_required("loyalty.redeem_gift", raise_exception=True)
def redeem(request):
    """Find the line (GET msisdn), then redeem one gift (POST)."""
    lookup = LookupForm(request.GET or None)
    line = points = None
    gifts: list = []
    hall = request.user.hall
    if lookup.is_bound and lookup.is_valid():
        try:
            line = line_get_by_msisdn(msisdn=lookup.cleaned_data["msisdn"])
        except DomainError as exc:
            lookup.add_error("msisdn", exc.message)
    if line is None:
        return render(request, "loyalty/redeem.html", {"lookup": lookup, "hall": hall},
                      status=400 if lookup.errors else 200)
    subject = f"loyalty.redeem:{line.pk}"
    if (renewed := form_key_renew(request, subject)) is not None:
        return renewed
    points = points_summary(customer=line.customer, entries=0)
    if hall is not None and hall.redemption_hall:
        gifts = gifts_in_stock_at(hall=hall, today=timezone.localdate())
    organization = line.customer.kind == Customer.Kind.ORGANIZATION
    if request.method == "POST":
        form = RedeemForm(request.POST, gifts=gifts, organization=organization)
        submitted = form_submission(request, request.POST.get("idempotency_key"))
    else:
        # The key of this line's form is kept in the session: the form Back brings back replays the first
        # redemption instead of deducting the points again.
        fkey = form_key(request, subject)
        form = RedeemForm(gifts=gifts, organization=organization, key=fkey.key)
        submitted = fkey.submitted
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        params = {"line": line.pk, **_params({k: v for k, v in data.items() if k != "idempotency_key"})}
        key = form_submission_key(request, data.pop("idempotency_key"), scope="loyalty.redeem", params=params)
        gift = next(g for g in gifts if str(g.pk) == data["gift"])

        def run():
            redemption = redemption_start(actor=request.user, line=line, gift=gift,
                                          documents_checked=data["documents_checked"], agent=agent_of(data),
                                          seal=data.get("seal") or "", receipt_signed=data["receipt_signed"],
                                          topup=_topup(data))
            return 201, {"redemption": redemption.pk}

        try:
            result = idempotent(actor=request.user, key=key, scope="loyalty.redeem", params=params, run=run)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            return redirect("loyalty:redemption_detail", pk=result.body["redemption"])
    return render(request, "loyalty/redeem.html",
                  {"lookup": lookup, "hall": hall, "line": line, "customer": line.customer, "points": points,
                   "orders": orders_to_collect(actor=request.user, customer=line.customer),
                   "gifts": gifts, "form": form, "organization": organization, "submitted": submitted,
                   "today": timezone.localdate()},
                  status=400 if form.errors else 200)


def _pickup_form(redemption: Redemption, data=None) -> RedeemForm:
    return RedeemForm(data, pickup=True, organization=redemption.customer.kind == Customer.Kind.ORGANIZATION,
                      topup=redemption.cash_topup > 0)


def _detail_context(request, redemption: Redemption) -> dict:
    now = timezone.now()
    left = (max(0, int((redemption.confirm_deadline - now).total_seconds()))
            if redemption.state == State.AWAITING_ROOM and redemption.confirm_deadline else None)
    return {"redemption": redemption, "seconds_left": left, "minutes_left": (left or 0) // 60,
            "secs_left": (left or 0) % 60, "call_form": AnswerForm(prefix="call"),
            "complete_form": CompleteForm(), "return_form": ReturnForm(),
            "pickup_form": (_pickup_form(redemption) if redemption.state == State.ORDERED else None),
            "may_return": request.user.has_perm("loyalty.return_gift") and redemption.state == State.COMPLETED}


@never_cache
@login_required
@permission_required("loyalty.view_redemption", raise_exception=True)
def redemption_detail(request, pk: int):
    """One redemption. While it waits for the big-customer room, the status part reloads itself (htmx every
    2 s) and shows the time left; a request past its deadline is closed on the next look."""
    redemption = redemption_get_for_actor(actor=request.user, pk=pk)
    redemption = redemption_timeout_check(actor=request.user, redemption=redemption)
    context = _detail_context(request, redemption)
    if request.htmx:
        return render(request, "loyalty/_redemption_status.html", context)
    return render(request, "loyalty/redemption_detail.html", context)


def _act(request, pk: int, form, action, done: str):
    redemption = redemption_get_for_actor(actor=request.user, pk=pk)
    if form.is_valid():
        try:
            action(redemption, form.cleaned_data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            messages.error(request, str(exc.message))
        else:
            messages.success(request, done)
    else:
        messages.error(request, _("Fill in the form: %(errors)s")
                       % {"errors": "；".join(str(e) for errs in form.errors.values() for e in errs)})
    return redirect("loyalty:redemption_detail", pk=redemption.pk)


@require_POST
@login_required
@permission_required("loyalty.redeem_gift", raise_exception=True)
def redemption_call_view(request, pk: int):
    return _act(request, pk, AnswerForm(request.POST, prefix="call"),
                lambda r, d: redemption_call(actor=request.user, redemption=r, confirmed=d["answer"] == "yes",
                                             note=d["note"]),
                _("The customer's answer is recorded."))


@require_POST
@login_required
@permission_required("loyalty.redeem_gift", raise_exception=True)
def redemption_complete_view(request, pk: int):
    form = CompleteForm(request.POST)

    def run(redemption, data):
        result = idempotent(actor=request.user, key=data["idempotency_key"], scope="loyalty.complete",
                            params={"redemption": redemption.pk, "tendered": str(data.get("tendered")),
                                    "method": data.get("method") or "cash"},
                            run=lambda: (200, {"redemption": redemption_complete(
                                actor=request.user, redemption=redemption, receipt_signed=data["receipt_signed"],
                                topup=_topup(data)).pk}))
        return result

    return _act(request, pk, form, run, _("The gift is handed over. Print the signed receipt."))


@require_POST
@login_required
@permission_required("loyalty.redeem_gift", raise_exception=True)
def redemption_pickup_view(request, pk: int):
    """Hand over a gift ordered online: the documents, who collects, the seal, the signature, as at the counter
    (the points and the gift were set aside at the order)."""
    redemption = redemption_get_for_actor(actor=request.user, pk=pk)
    form = _pickup_form(redemption, request.POST)
    status = 400
    if form.is_valid():
        data = dict(form.cleaned_data)
        params = {"redemption": redemption.pk,
                  **_params({k: v for k, v in data.items() if k != "idempotency_key"})}

        def run():
            done = redemption_pickup(actor=request.user, redemption=redemption,
                                     documents_checked=data["documents_checked"], agent=agent_of(data),
                                     seal=data.get("seal") or "", receipt_signed=data["receipt_signed"],
                                     topup=_topup(data))
            return 200, {"redemption": done.pk}

        try:
            idempotent(actor=request.user, key=data["idempotency_key"], scope="loyalty.pickup", params=params,
                       run=run)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            status = exc.status
        else:
            messages.success(request, _("The online order is being handed over."))
            return redirect("loyalty:redemption_detail", pk=redemption.pk)
    redemption = redemption_get_for_actor(actor=request.user, pk=pk)
    context = {**_detail_context(request, redemption), "pickup_form": form}
    return render(request, "loyalty/redemption_detail.html", context, status=status)


@require_POST
@login_required
@permission_required("loyalty.return_gift", raise_exception=True)
def redemption_return_view(request, pk: int):
    return _act(request, pk, ReturnForm(request.POST),
                lambda r, d: redemption_return(actor=request.user, redemption=r, reason=d["reason"]),
                _("The gift is taken back."))


@never_cache
@login_required
@permission_required("loyalty.view_redemption", raise_exception=True)
def redemption_receipt(request, pk: int):
    """The signed redemption receipt (兑换单): the customer's own data in full, the signed box."""
    redemption = redemption_get_for_actor(actor=request.user, pk=pk)
    if redemption.state not in (State.COMPLETED, State.RETURNED):
        raise Http404
    gift = Gift.objects.only("name", "code").get(pk=redemption.gift_id)
    pdf = render_pdf("loyalty/pdf/receipt.html", {"r": redemption, "gift": gift,
                                                   "balance": points_summary(customer=redemption.customer,
                                                                             entries=0).balance})
    return pdf_response(pdf, f"{redemption.number}.pdf")


@never_cache
@login_required
@permission_required("loyalty.view_redemption", raise_exception=True)
def redemption_list(request):
    rows = list(redemption_list_for_actor(actor=request.user)[:100])
    return render(request, "loyalty/redemption_list.html", {"rows": rows,
                                                             "orders": orders_to_collect(actor=request.user)})


@never_cache
@login_required
@permission_required("loyalty.confirm_redemption", raise_exception=True)
def confirm_list(request):
    """The big-customer room's worklist of confirmations (reloads itself every 5 s)."""
    rows = confirmations_open(actor=request.user)
    now = timezone.now()
    for r in rows:
        r.seconds_left = max(0, int((r.confirm_deadline - now).total_seconds())) if r.confirm_deadline else 0
    template = "loyalty/_confirm_rows.html" if request.htmx else "loyalty/confirm_list.html"
    return render(request, template, {"rows": rows, "form": AnswerForm()})


@require_POST
@login_required
@permission_required("loyalty.confirm_redemption", raise_exception=True)
def confirm_answer(request, pk: int):
    form = AnswerForm(request.POST)
    redemption = redemption_get_for_actor(actor=request.user, pk=pk)
    if form.is_valid():
        try:
            redemption_answer(actor=request.user, redemption=redemption, confirmed=form.cleaned_data["answer"] == "yes",
                              note=form.cleaned_data["note"])
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The answer is sent to the counter."))
    else:
        messages.error(request, _("Choose the answer and say who may collect, or why not."))
    return redirect("loyalty:confirm_list")

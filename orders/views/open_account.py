"""Open account at the counter in three screens (process 1): customer → number and product (with the live
quote and the recommendations) → confirmation (agreement, payment, documents). Then the order's page
follows provisioning until completion."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from boss.audit import audit_record
from boss.db import one_snapshot
from boss.errors import DomainError
from boss.forms import form_add_domain_error, form_key
from boss.idempotency import idempotent
from boss.labels import choice_label
from boss.money import yuan_capital
from boss.pdf import pdf_response, render_pdf
from boss.permissions import approver_authenticate
from catalog.models import Feature, PaymentMethod, Plan
from catalog.selectors import selection_fees_in_force
from catalog.services.quote import quote_price
from customers.errors import IdentityInUseError
from customers.forms import CustomerCreateForm
from customers.models import Customer
from customers.selectors import customer_get, customer_search, duplicate_customer_served
from customers.services import customer_create
from inventory.filtersets import NumberSearchFilterSet
from inventory.models import NumberReservation
from inventory.selectors import (
    CappedPaginator,
    number_grade,
    number_list_free,
    return_priority_numbers,
    returning_customer_priority,
)
from inventory.services.numbers import number_release
from orders.forms import CustomerFindForm, OpenAccountForm, OrderCancelForm, OrderPayForm, QuoteForm
from orders.models import Order
from orders.selectors import order_get_for_actor
from orders.services.documents import AgentInput, documents_required
from orders.services.drafts import is_line_draft
from orders.services.open_account import (
    BankInput,
    opening_number_choose,
    order_cancel_draft,
    order_open_account_create,
    order_open_account_pay,
)
from orders.services.recommendations import recommendation_list

STEPS = [_("Customer"), _("Number and product"), _("Confirm and pay")]


def _steps(current: int) -> list[dict]:
    return [{"n": i + 1, "label": label, "state": "done" if i < current else ("current" if i == current else "")}
            for i, label in enumerate(STEPS)]


# --------------------------------------------------------------------------------------------------
# Step 1: the customer
# --------------------------------------------------------------------------------------------------


@never_cache
@login_required
@permission_required("orders.open_account", raise_exception=True)
def open_account_start(request):
    """Find the customer (by POST: an ID number never goes into a URL) or register a new one."""
    find = CustomerFindForm(request.POST if request.POST.get("action") == "find" else None)
    create = CustomerCreateForm(request.POST if request.POST.get("action") == "create" else None, opening=True)
    result = None
    if find.is_bound and find.is_valid():
        try:
            result = customer_search(actor=request.user, query=find.cleaned_data["q"])
        except DomainError as exc:
            form_add_domain_error(find, exc)
        else:
            find = CustomerFindForm()  # the typed ID number is not echoed back into the page
    if create.is_bound and create.is_valid():
        data = dict(create.cleaned_data)
        key = data.pop("idempotency_key")
        try:
            created = idempotent(actor=request.user, key=key, scope="customers.create", params=data,
                                 run=lambda: (201, {"id": customer_create(actor=request.user, **data).pk}))
        except DomainError as exc:
            form_add_domain_error(create, exc)
            create.duplicate_of = duplicate_customer_served(
                actor=request.user,
                customer_id=exc.params.get("customer") if isinstance(exc, IdentityInUseError) else None)
        else:
            return redirect("orders:open_account_product", customer_pk=created.body["id"])
    return render(request, "orders/open_account_start.html",
                  {"find": find, "create": create, "result": result, "steps": _steps(0)})


# --------------------------------------------------------------------------------------------------
# Step 2: number and product, with the live quote and the recommendations
# --------------------------------------------------------------------------------------------------


def _my_live_reservation(request, customer):
    return (NumberReservation.objects.filter(reserved_by=request.user, customer=customer,
                                             state=NumberReservation.State.ACTIVE, reserved_until__gt=timezone.now())
            .select_related("number__grade").order_by("-reserved_until").first())


def _service_kwargs(data: dict) -> dict:
    bank = None
    if data["payment_method"] != PaymentMethod.CASH:
        bank = BankInput(bank_code=data["bank_code"], account_number=data["bank_account_number"],
                         account_holder=data["bank_account_holder"], holder_doc_type=data["bank_holder_doc_type"],
                         holder_doc_number=data["bank_holder_doc_number"], confirmed_by=data["bank_confirmed_by"])
    agent = None
    if data["agent_doc_type"] or data["agent_number"]:
        agent = AgentInput(doc_type=data["agent_doc_type"], number=data["agent_number"], name=data["agent_name"])
    return {"msisdn": data["msisdn"], "product_code": data["product"].code, "sim_capacity": data["sim_capacity"],
            "payment_method": data["payment_method"], "features": [f.code for f in data["features"]],
            "iccid": data["iccid"], "bank": bank, "agent": agent, "documents_checked": data["documents_checked"],
            "service_password": data["service_password"]}


@never_cache
@login_required
@permission_required("orders.open_account", raise_exception=True)
def open_account_product(request, customer_pk: int):
    try:
        customer = customer_get(pk=customer_pk, actor=request.user)
    except DomainError:
        raise Http404 from None
    reservation = _my_live_reservation(request, customer)
    # The service password is the customer's: typed by them, never prefilled nor shown (issue 11 item 13).
    form = OpenAccountForm(request.POST or None, initial={"msisdn": reservation.number.msisdn if reservation else ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kwargs = _service_kwargs(data)
        try:
            override_by = (approver_authenticate(request, username=data["override_username"],
                                                 password=data["override_password"])
                           if data["override_username"] else None)
            result = idempotent(
                actor=request.user, key=data["idempotency_key"], scope="orders.open_account.create",
                params={k: (str(v) if not isinstance(v, (list, str)) else v) for k, v in kwargs.items()
                        if k != "service_password"} | {"customer": customer.pk},
                run=lambda: (201, {"order": order_open_account_create(
                    actor=request.user, customer=customer, blacklist_override_by=override_by,
                    override_reason=data["override_reason"], **kwargs).pk}))
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            return redirect("orders:order_confirm", pk=result.body["order"])
    return_priority = returning_customer_priority(customer=customer)
    context = {
        "customer": customer, "form": form, "reservation": reservation, "steps": _steps(1),
        "return_priority": return_priority,
        "former_rows": _former_number_rows(customer, return_priority, selection_fees_in_force()),
        "number_filter": NumberSearchFilterSet(None, queryset=number_list_free()),
        "required": {k: [Order.Document(d).label for d in
                         documents_required(customer_kind=customer.kind, payment_method=k, agent=False)]
                     for k in PaymentMethod.values},
        "recommendations": (recommendation_list(customer=customer)
                            if request.user.has_perm("catalog.view_offer") else None),
        "outcome_business": "open_account", "inline_outcome": True,
    }
    return render(request, "orders/open_account_product.html", context, status=400 if form.errors else 200)


@never_cache
@login_required
@permission_required("orders.open_account", raise_exception=True)
def open_account_numbers(request, customer_pk: int):
    """htmx: free numbers matching the filters, each with a button that reserves it for this customer; a
    returning customer with priority sees their former numbers still in cool-down first (process 3.2)."""
    try:
        customer = customer_get(pk=customer_pk, actor=request.user)
    except DomainError:
        raise Http404 from None
    filterset = NumberSearchFilterSet(request.GET, queryset=number_list_free())
    fees = selection_fees_in_force()
    rows = _former_number_rows(customer, returning_customer_priority(customer=customer), fees)
    if filterset.is_valid():
        page = CappedPaginator(filterset.qs, 10).get_page(1)
        rows += [{"number": n, "selection_fee": fees.get(n.grade_id)} for n in page]
    return render(request, "orders/_open_account_numbers.html", {"rows": rows, "customer_pk": customer_pk,
                                                                 "filter": filterset})


def _former_number_rows(customer, priority, fees) -> list[dict]:
    """The former numbers a returning customer with priority may take back during their cool-down."""
    if priority is None:
        return []
    return [{"number": n, "selection_fee": fees.get(n.grade_id), "former": True}
            for n in return_priority_numbers(customer=customer)]


@require_POST
@login_required
@permission_required("inventory.reserve_number", raise_exception=True)
def open_account_reserve(request, customer_pk: int):
    """htmx: reserve a number for this customer instead of the one held before (or release it) and show it
    in the form; the number list and the quote ask again (numberChosen)."""
    customer = customer_get(pk=customer_pk, actor=request.user)
    msisdn = request.POST.get("msisdn", "")
    error, released = None, False
    try:
        if request.POST.get("release"):
            number_release(actor=request.user, msisdn=msisdn)
            released = True
        else:
            opening_number_choose(actor=request.user, customer=customer, msisdn=msisdn)
    except DomainError as exc:
        error = exc.message        # refused: the number held before stays held and shown
    reservation = None if released else _my_live_reservation(request, customer)
    response = render(request, "orders/_open_account_reserved.html",
                      {"reservation": reservation, "error": error, "customer_pk": customer_pk})
    response["HX-Trigger"] = "numberChosen"  # the quote beside the form asks again
    return response


@never_cache
@login_required
@permission_required("orders.open_account", raise_exception=True)
def open_account_quote(request, customer_pk: int):
    """htmx: the itemised price of what the form holds now."""
    form = OpenAccountForm(request.GET)
    quote, error = None, None
    plan = request.GET.get("product")
    if plan:
        try:
            msisdn = request.GET.get("msisdn")
            quote = quote_price(business="open_account", product_code=plan,
                                grade=number_grade(msisdn=msisdn) if msisdn else None,
                                sim_capacity=request.GET.get("sim_capacity") or None,
                                features=request.GET.getlist("features"),
                                payment_method=request.GET.get("payment_method") or PaymentMethod.CASH,
                                customer_kind=Customer.objects.filter(pk=customer_pk).values_list("kind", flat=True)
                                .first())
        except DomainError as exc:
            error = exc.message
    return render(request, "orders/_open_account_quote.html",
                  {"quote": quote, "error": error, "form": QuoteForm(), "open_form": form})


# --------------------------------------------------------------------------------------------------
# Step 3: the agreement, the money
# --------------------------------------------------------------------------------------------------


@never_cache
@login_required
@permission_required("orders.open_account", raise_exception=True)
def order_confirm(request, pk: int):
    order = order_get_for_actor(actor=request.user, pk=pk)
    if is_line_draft(order):
        return redirect("orders:line_draft", pk=order.pk)
    if order.state != Order.State.DRAFT:
        return redirect("orders:order_detail", pk=order.pk)
    # The key is kept in the session: the form Back brings back replays the payment made.
    form = OrderPayForm(request.POST or None, key=form_key(request, f"orders.payment:{order.pk}").key)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            idempotent(actor=request.user, key=data["idempotency_key"], scope="orders.payment",
                       params={"order": order.pk, "method": data["method"], "tendered": str(data["tendered"])},
                       run=lambda: (200, {"order": order_open_account_pay(
                           actor=request.user, order=order, method=data["method"], tendered=data["tendered"],
                           agreement_signed=data["agreement_signed"]).pk}))
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Paid. The line is being set up on the network."))
            return redirect("orders:order_detail", pk=order.pk)
    return render(request, "orders/order_confirm.html", {"order": order, "form": form, "steps": _steps(2),
                                                         "customer": order.customer, "plan": _plan(order),
                                                         "payment_method_label": choice_label(
                                                             PaymentMethod, order.details.get("payment_method"))},
                  status=400 if form.errors else 200)


@never_cache
@login_required
@permission_required("orders.view_order", raise_exception=True)
def order_agreement_pdf(request, pk: int):
    """The filled customer service agreement (客户服务协议, 免填单) to print and sign."""
    order = order_get_for_actor(actor=request.user, pk=pk)
    if is_line_draft(order):
        from orders.views.lines import line_draft_agreement_pdf

        try:
            pdf = line_draft_agreement_pdf(request, order)
        except DomainError as exc:      # the line changed since the draft was entered: said on its screen
            messages.error(request, exc.message)
            return redirect("orders:line_draft", pk=order.pk)
        audit_record(actor=request.user, action="order.agreement_print", target=order)
        return pdf_response(pdf, f"agreement-{order.number}.pdf")
    audit_record(actor=request.user, action="order.agreement_print", target=order)
    if order.kind != Order.Kind.OPEN_ACCOUNT:
        from orders.views.lines import line_agreement_context

        with translation.override("zh-hans"):
            pdf = render_pdf("orders/pdf/line_agreement.html", line_agreement_context(order))
        return pdf_response(pdf, f"agreement-{order.number}.pdf")
    with translation.override("zh-hans"):
        pdf = render_pdf("orders/pdf/agreement.html", open_account_agreement_context(order))
    return pdf_response(pdf, f"agreement-{order.number}.pdf")


def open_account_agreement_context(order: Order) -> dict:
    """What the opening's agreement shows: the order, its plan and features, the fees in capital numerals,
    the premium number's terms; the monthly net price is the order's (the quote's)."""
    from orders.views.lines import premium_terms

    return {"order": order, "capital": yuan_capital(order.amount_due), "plan": _plan(order),
            "features": _features(order), "premium": premium_terms(order.details)}


def _plan(order):
    return Plan.objects.filter(code=order.details.get("plan")).first()


def _features(order):
    return list(Feature.objects.filter(code__in=order.details.get("features", [])))


@one_snapshot
@never_cache
@login_required
@permission_required("orders.view_order", raise_exception=True)
def order_detail(request, pk: int):
    order = order_get_for_actor(actor=request.user, pk=pk)
    template = "orders/_order_status.html" if request.htmx else "orders/order_detail.html"
    return render(request, template, {"order": order, "customer": order.customer,
                                      "cancel_form": OrderCancelForm()})


@require_POST
@login_required
@permission_required("orders.open_account", raise_exception=True)
def order_cancel(request, pk: int):
    order = order_get_for_actor(actor=request.user, pk=pk)
    form = OrderCancelForm(request.POST)
    if form.is_valid():
        try:
            order_cancel_draft(actor=request.user, order=order, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The order was cancelled and its number released."))
    else:
        messages.error(request, _("Give a reason for cancelling."))
    return redirect(reverse("orders:order_detail", args=[order.pk]))

"""The customers' web self-service portal (网上营业厅): thin views over portal.services and portal.selectors.

Every page but sign-in goes through `customer_required`; every object is found through `request.customer`
(404 for anyone else's). Refusals are shown at the field, translated, with a 4xx status.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from billing.selectors import itemised_bill, points_summary
from billing.services.itemised import itemised_bill_pdf
from boss.client_ip import client_ip
from boss.errors import DomainError
from boss.forms import form_add_domain_error
from boss.months import month_start
from boss.tariffs import tariff
from catalog.models import Plan
from catalog.selectors import plan_list
from complaints.models import ComplaintCategory
from inventory.views.gifts import gift_picture_response
from orders.services.plan_change import plan_change_effective_on, plan_change_pending
from orders.services.portability import line_portability
from orders.services.secondary_cards import card_fee, primary_of, secondary_cards_of
from portal import selectors
from portal.forms import (
    AgreeForm,
    ChatForm,
    CodeForm,
    ComplaintForm,
    ConfirmForm,
    ForwardingForm,
    GiftOrderForm,
    PlanChangeForm,
    RechargeForm,
    SecondaryAddForm,
    SecondaryRemoveForm,
    SignInForm,
)
from portal.services import actions, chat, signin
from portal.session import KIOSK_COOKIE, PENDING, customer_required, is_kiosk, sign_in, sign_out

RECORDS_PER_PAGE = 50


def _ip(request) -> str | None:
    return client_ip(request)   # behind the TLS proxy: the client's, not the proxy's (BOSS_TRUSTED_PROXIES)


def _render(request, template: str, context: dict, status: int = 200):
    context.setdefault("kiosk", is_kiosk(request))
    if context["kiosk"]:
        context["kiosk_idle_seconds"] = tariff("portal.kiosk_idle_seconds")
    context.setdefault("customer", getattr(request, "customer", None))
    return render(request, template, context, status=status)


def _refused(request, template: str, form, exc: DomainError, context: dict):
    form_add_domain_error(form, exc)
    return _render(request, template, {"form": form, **context}, status=exc.status)


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/portal/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("portal:home")


# --------------------------------------------------------------------------------------------------
# Sign-in
# --------------------------------------------------------------------------------------------------


def signin_view(request):
    form = SignInForm(request.POST or None)
    context = {"next": _next(request), "expired": bool(request.GET.get("expired"))}
    if request.method == "POST" and form.is_valid():
        try:
            record = signin.signin_start(msisdn=form.cleaned_data["msisdn"], password=form.cleaned_data["password"],
                                         client_ip=_ip(request), kiosk=is_kiosk(request))
        except DomainError as exc:
            return _refused(request, "portal/signin.html", form, exc, context)
        request.session[PENDING] = record.pk
        return redirect(f"{reverse('portal:signin_code')}?{urlencode({'next': context['next']})}")
    return _render(request, "portal/signin.html", {"form": form, **context}, status=400 if form.errors else 200)


def signin_code_view(request):
    code_id = request.session.get(PENDING)
    if code_id is None:
        return redirect("portal:signin")
    form = CodeForm(request.POST or None)
    context = {"next": _next(request), "simulated": signin.signin_simulated_text(code_id=code_id)}
    if request.method == "POST" and form.is_valid():
        try:
            line = signin.signin_verify(code_id=code_id, code=form.cleaned_data["code"], client_ip=_ip(request))
        except DomainError as exc:
            return _refused(request, "portal/signin_code.html", form, exc, context)
        sign_in(request, line=line)
        return redirect(context["next"])
    return _render(request, "portal/signin_code.html", {"form": form, **context}, status=400 if form.errors else 200)


@require_POST
def signin_code_resend(request):
    code_id = request.session.get(PENDING)
    if code_id is None:
        return redirect("portal:signin")
    try:
        record = signin.signin_code_resend(code_id=code_id, client_ip=_ip(request))
    except DomainError as exc:
        return _render(request, "portal/signin_code.html",
                       {"form": CodeForm(), "error": exc.message, "next": _next(request),
                        "simulated": signin.signin_simulated_text(code_id=code_id)}, status=exc.status)
    request.session[PENDING] = record.pk
    return redirect(f"{reverse('portal:signin_code')}?{urlencode({'next': _next(request)})}")


@require_POST
def signout_view(request):
    from portal.session import CUSTOMER, LINE

    customer_id = request.session.get(CUSTOMER)
    if customer_id is not None:
        from customers.models import Customer

        customer = Customer.objects.filter(pk=customer_id).first()
        if customer is not None:
            actions.portal_sign_out(customer=customer, line_id=request.session.get(LINE))
    sign_out(request)
    if request.POST.get("idle"):   # the kiosk's own sign-out after a time without use (portal.js)
        return redirect(f"{reverse('portal:signin')}?expired=1")
    return redirect("portal:signin")


@require_POST
def language_view(request):
    from django.conf import settings

    language = request.POST.get("language", "")
    response = redirect(_next(request))
    if language in dict(settings.LANGUAGES):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def kiosk_view(request):
    """The hall's self-service terminal opens /portal/kiosk/ once: from then on this browser shows the portal
    in kiosk mode (large keys, the on-screen number pad, a short inactivity sign-out). `?off=1` ends it."""
    response = redirect("portal:signin")
    if request.GET.get("off"):
        response.delete_cookie(KIOSK_COOKIE, path="/portal/")
    else:
        response.set_cookie(KIOSK_COOKIE, "1", max_age=365 * 24 * 3600, path="/portal/", httponly=True,
                            samesite="Lax")
    sign_out(request)
    return response


# --------------------------------------------------------------------------------------------------
# The customer's own lines, money and bills (read only)
# --------------------------------------------------------------------------------------------------


@customer_required
def home(request):
    rows = selectors.customer_overview(request.customer)
    return _render(request, "portal/home.html", {
        "rows": rows, "announcements": selectors.announcements_for(request.customer, request.signed_in_line_id)})


@customer_required
def line_view(request, line_id: int):
    line = selectors.customer_line(request.customer, line_id)
    money = selectors.customer_overview_line(line)
    return _render(request, "portal/line.html", {
        "line": line, "money": money, "pending": plan_change_pending(line),
        "payments": selectors.line_payments(line, limit=5), "bills": selectors.line_bills(line, limit=3)})


@customer_required
def payments_view(request, line_id: int):
    line = selectors.customer_line(request.customer, line_id)
    return _render(request, "portal/payments.html", {"line": line, "payments": selectors.line_payments(line)})


@customer_required
def bills_view(request, line_id: int):
    line = selectors.customer_line(request.customer, line_id)
    this_month = month_start(timezone.localdate())
    return _render(request, "portal/bills.html", {"line": line, "bills": selectors.line_bills(line),
                                                  "this_month": this_month})


def _itemised_line(request, line_id: int, period):
    line = selectors.customer_line(request.customer, line_id)
    if not selectors.line_bill_period_allowed(line, period, today=timezone.localdate()):
        raise Http404
    return line


@customer_required
def itemised_view(request, line_id: int, period):
    line = _itemised_line(request, line_id, period)
    it = itemised_bill(line=line, period=period)
    page = Paginator(it.records, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    return _render(request, "portal/itemised.html", {
        "line": line, "it": it, "page": page, "mask_other_party": tariff("portal.mask_other_party")})


@customer_required
def itemised_pdf_view(request, line_id: int, period):
    line = _itemised_line(request, line_id, period)
    pdf = itemised_bill_pdf(line=line, period=period, mask_other_party=tariff("portal.mask_other_party"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="qingdan-{period:%Y%m}.pdf"'
    return response


@customer_required
def points_view(request):
    orders = list(selectors.customer_redemptions(request.customer)[:20])
    for order in orders:   # a form (and a key) per order
        order.cancel_form = ConfirmForm() if order.state == order.State.ORDERED else None
    return _render(request, "portal/points.html", {
        "points": points_summary(customer=request.customer, entries=20), "orders": orders})


@customer_required
def gift_order_view(request):
    """Order a points gift for pick-up at a redemption hall (loyalty's redemption service, channel web)."""
    line = selectors.customer_line(request.customer, request.signed_in_line_id or 0)
    offers = selectors.gift_offers(today=timezone.localdate())
    form = GiftOrderForm(request.POST or None, offers=offers)
    context = {"line": line, "offers": offers,
               "pictures": {str(o.gift.pk) for o in offers if o.gift.picture_type},
               "points": points_summary(customer=request.customer, entries=0)}
    if request.method == "POST" and form.is_valid():
        gift = next(o.gift for o in offers if str(o.gift.pk) == form.cleaned_data["gift"])
        hall = next(h for o in offers for h in o.halls if str(h.pk) == form.cleaned_data["hall"])
        try:
            result = actions.portal_gift_order(customer=request.customer, line=line, gift=gift, hall=hall,
                                               key=form.cleaned_data["idempotency_key"])
        except DomainError as exc:
            return _refused(request, "portal/gift_order.html", form, exc, context)
        until = timezone.localtime(parse_datetime(str(result.body["pickup_until"])))
        return _done(request, title=_("Gift ordered"), points=True,
                     message=_("Order %(number)s: collect %(gift)s at %(hall)s by %(day)s, with your identity "
                               "document. The points are set aside until then.")
                     % {"number": result.body["number"], "gift": gift.name, "hall": hall.name,
                        "day": f"{until:%Y-%m-%d %H:%M}"})
    return _render(request, "portal/gift_order.html", {"form": form, **context},
                   status=400 if form.errors else 200)


@require_GET
@customer_required
def gift_picture_view(request, gift_id: int):
    """A gift's picture for the gift page, served the counter's way (catalogue, not personal data)."""
    return gift_picture_response(gift_id)


@require_POST
@customer_required
def gift_order_cancel_view(request, redemption_id: int):
    redemption = selectors.customer_redemption(request.customer, redemption_id)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        return redirect("portal:points")
    try:
        result = actions.portal_gift_order_cancel(customer=request.customer, redemption=redemption,
                                                  key=form.cleaned_data["idempotency_key"])
    except DomainError as exc:
        return _render(request, "portal/done.html", {"title": _("Not done"), "message": exc.message},
                       status=exc.status)
    return _done(request, title=_("Gift order cancelled"), points=True,
                 message=_("%(points)s points are back in your balance.")
                 % {"points": result.body["points_given_back"] or 0})


@customer_required
def portability_view(request, line_id: int):
    line = selectors.customer_line(request.customer, line_id)
    return _render(request, "portal/portability.html", {"line": line, "check": line_portability(line=line)})


# --------------------------------------------------------------------------------------------------
# Self-service actions
# --------------------------------------------------------------------------------------------------


def _done(request, *, title: str, message: str, line=None, points: bool = False):
    return _render(request, "portal/done.html", {"title": title, "message": message, "line": line,
                                                  "back_to_points": points})


@customer_required
def recharge_view(request, line_id: int):
    line = selectors.customer_line(request.customer, line_id)
    form = RechargeForm(request.POST or None)
    context = {"line": line}
    if request.method == "POST" and form.is_valid():
        try:
            result = actions.portal_recharge(customer=request.customer, line=line, serial=form.cleaned_data["serial"],
                                             pin=form.cleaned_data["pin"],
                                             key=form.cleaned_data["idempotency_key"])
        except DomainError as exc:
            return _refused(request, "portal/recharge.html", form, exc, context)
        return _done(request, title=_("Recharged"), line=line,
                     message=_("¥%(amount)s was added to the account of %(number)s.")
                     % {"amount": result.body["amount"], "number": line.msisdn})
    return _render(request, "portal/recharge.html", {"form": form, **context}, status=400 if form.errors else 200)


@customer_required
def plan_view(request, line_id: int):
    line = selectors.customer_line(request.customer, line_id)
    effective = plan_change_effective_on(immediate=False)
    plans = [p for p in plan_list(on_date=effective, on_sale_only=True, kind=Plan.Kind.MAIN) if p.pk != line.plan_id]
    form = PlanChangeForm(request.POST or None, plans=plans)
    context = {"line": line, "effective_on": effective, "pending": plan_change_pending(line),
               "cancel_form": AgreeForm()}
    if request.method == "POST" and form.is_valid():
        try:
            result = actions.portal_plan_change(customer=request.customer, line=line, plan=form.cleaned_data["plan"],
                                                agreed=form.cleaned_data["agreed"],
                                                key=form.cleaned_data["idempotency_key"])
        except DomainError as exc:
            return _refused(request, "portal/plan.html", form, exc, context)
        return _done(request, title=_("Plan change agreed"), line=line,
                     message=_("From %(day)s the line %(number)s is on %(plan)s.")
                     % {"day": result.body["effective_on"], "number": line.msisdn, "plan": result.body["plan"]})
    return _render(request, "portal/plan.html", {"form": form, **context}, status=400 if form.errors else 200)


@require_POST
@customer_required
def plan_cancel_view(request, line_id: int):
    line = selectors.customer_line(request.customer, line_id)
    form = AgreeForm(request.POST)
    if not form.is_valid():
        return redirect("portal:plan", line_id=line.pk)
    try:
        actions.portal_plan_change_cancel(customer=request.customer, line=line, agreed=form.cleaned_data["agreed"],
                                          key=form.cleaned_data["idempotency_key"])
    except DomainError as exc:
        return _render(request, "portal/done.html", {"title": _("Not done"), "message": exc.message, "line": line},
                       status=exc.status)
    return _done(request, title=_("Plan change cancelled"), line=line,
                 message=_("The line stays on its plan."))


@customer_required
def loss_view(request, line_id: int):
    """Report the line lost, or unlock it when it was reported lost (the same counter services)."""
    line = selectors.customer_line(request.customer, line_id)
    unlock = line.status == line.Status.SUSPENDED_LOSS
    form = AgreeForm(request.POST or None)
    context = {"line": line, "unlock": unlock}
    if request.method == "POST" and form.is_valid():
        try:
            actions.portal_loss(customer=request.customer, line=line, agreed=form.cleaned_data["agreed"],
                                key=form.cleaned_data["idempotency_key"], unlock=unlock)
        except DomainError as exc:
            return _refused(request, "portal/loss.html", form, exc, context)
        message = (_("The line %(number)s will be unlocked in a few minutes.") if unlock else
                   _("The line %(number)s is being suspended as lost: nobody can use it from now on."))
        return _done(request, title=_("Unlocked") if unlock else _("Reported lost"), line=line,
                     message=message % {"number": line.msisdn})
    return _render(request, "portal/loss.html", {"form": form, **context}, status=400 if form.errors else 200)


@customer_required
def forwarding_view(request, line_id: int):
    """Call forwarding (呼叫转移): start it or re-set its number and condition; stop it."""
    line = selectors.customer_line(request.customer, line_id)
    stopping = request.method == "POST" and request.POST.get("stop")
    form = ForwardingForm(request.POST if request.method == "POST" and not stopping else None)
    stop_form = AgreeForm(request.POST if stopping else None)
    context = {"line": line, "state": actions.forwarding_state(line), "stop_form": stop_form}
    if stopping and stop_form.is_valid():
        try:
            actions.portal_forwarding_stop(customer=request.customer, line=line,
                                           agreed=stop_form.cleaned_data["agreed"],
                                           key=stop_form.cleaned_data["idempotency_key"])
        except DomainError as exc:
            return _refused(request, "portal/forwarding.html", stop_form, exc, {**context, "form": ForwardingForm()})
        return _done(request, title=_("Call forwarding stopped"), line=line,
                     message=_("Calls to %(number)s ring on the phone again in a few minutes.")
                     % {"number": line.msisdn})
    if request.method == "POST" and not stopping and form.is_valid():
        try:
            actions.portal_forwarding_set(customer=request.customer, line=line,
                                          forward_to=form.cleaned_data["forward_to"],
                                          forward_when=form.cleaned_data["forward_when"],
                                          agreed=form.cleaned_data["agreed"],
                                          key=form.cleaned_data["idempotency_key"])
        except DomainError as exc:
            return _refused(request, "portal/forwarding.html", form, exc, context)
        return _done(request, title=_("Call forwarding set"), line=line,
                     message=_("Call forwarding of %(number)s takes effect in a few minutes.")
                     % {"number": line.msisdn})
    status = 400 if (form.errors or stop_form.errors) else 200
    return _render(request, "portal/forwarding.html", {"form": form, **context}, status=status)


@customer_required
def secondary_view(request, line_id: int):
    """Secondary cards (主副卡): the line's cards, and one of the customer's other lines added as one."""
    line = selectors.customer_line(request.customer, line_id)
    cards = secondary_cards_of(line)
    # All the customer's other lines (one attached already is refused by the service with its reason; a form
    # sent twice stays valid and replays the first result).
    others = [ln for ln in selectors.customer_lines(request.customer) if ln.pk != line.pk]
    form = SecondaryAddForm(request.POST or None, lines=others)
    context = {"line": line, "cards": cards, "primary_card": primary_of(line), "others": others,
               "remove_form": SecondaryRemoveForm(), **card_fee(on_date=timezone.localdate())}
    if request.method == "POST" and form.is_valid():
        secondary = next(ln for ln in others if str(ln.pk) == form.cleaned_data["secondary"])
        try:
            actions.portal_secondary_add(customer=request.customer, line=line, secondary=secondary,
                                         agreed=form.cleaned_data["agreed"], key=form.cleaned_data["idempotency_key"])
        except DomainError as exc:
            return _refused(request, "portal/secondary.html", form, exc, context)
        return _done(request, title=_("Secondary card added"), line=line,
                     message=_("From today %(secondary)s shares the plan of %(number)s.")
                     % {"secondary": secondary.msisdn, "number": line.msisdn})
    return _render(request, "portal/secondary.html", {"form": form, **context}, status=400 if form.errors else 200)


@require_POST
@customer_required
def secondary_remove_view(request, line_id: int):
    line = selectors.customer_line(request.customer, line_id)
    form = SecondaryRemoveForm(request.POST)
    if not form.is_valid():
        return redirect("portal:secondary", line_id=line.pk)
    try:
        actions.portal_secondary_remove(customer=request.customer, line=line, secondary=form.cleaned_data["secondary"],
                                        agreed=form.cleaned_data["agreed"], key=form.cleaned_data["idempotency_key"])
    except DomainError as exc:
        return _render(request, "portal/done.html", {"title": _("Not done"), "message": exc.message, "line": line},
                       status=exc.status)
    return _done(request, title=_("Secondary card removed"), line=line,
                 message=_("From tomorrow %(secondary)s uses its own plan again.")
                 % {"secondary": form.cleaned_data["secondary"]})


@customer_required
def complaints_view(request):
    return _render(request, "portal/complaints.html",
                   {"complaints": list(selectors.customer_complaints(request.customer)[:30])})


@customer_required
def complaint_view(request, pk: int):
    return _render(request, "portal/complaint.html",
                   {"complaint": selectors.customer_complaint(request.customer, pk)})


@customer_required
def complaint_new_view(request):
    line = selectors.customer_line(request.customer, request.signed_in_line_id or 0)
    form = ComplaintForm(request.POST or None,
                         categories=actions.portal_complaint_categories(kind=ComplaintCategory.Kind.COMPLAINT))
    if request.method == "POST" and form.is_valid():
        category = form.cleaned_data["category"]
        if form.cleaned_data["kind"] == ComplaintCategory.Kind.SUGGESTION:
            category = actions.portal_suggestion_category()
            if category is None:
                form.add_error("kind", _("Suggestions are not taken on the web at the moment: call customer "
                                         "service."))
                return _render(request, "portal/complaint_new.html", {"form": form, "line": line}, status=400)
        try:
            result = actions.portal_complaint(customer=request.customer, line=line, category=category,
                                              description=form.cleaned_data["description"],
                                              key=form.cleaned_data["idempotency_key"])
        except DomainError as exc:
            return _refused(request, "portal/complaint_new.html", form, exc, {"line": line})
        return redirect("portal:complaint", pk=result.body["complaint"])
    return _render(request, "portal/complaint_new.html", {"form": form, "line": line},
                   status=400 if form.errors else 200)


# --------------------------------------------------------------------------------------------------
# Chat with customer service: the customer's side, and the staff's queue (/portal/desk/, staff session)
# --------------------------------------------------------------------------------------------------


@customer_required
def chat_view(request):
    form = ChatForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        line = selectors.customer_lines(request.customer).filter(pk=request.signed_in_line_id).first()
        try:
            chat.chat_customer_send(customer=request.customer, line=line, text=form.cleaned_data["text"])
        except DomainError as exc:
            return _refused(request, "portal/chat.html", form, exc,
                            {"messages_": chat.chat_messages(customer=request.customer)})
        return redirect("portal:chat")
    return _render(request, "portal/chat.html", {"form": ChatForm() if form.is_valid() else form,
                                                 "messages_": chat.chat_messages(customer=request.customer)},
                   status=400 if form.errors else 200)


@customer_required
def chat_messages_view(request):
    """The chat's messages (the page polls this every few seconds: answers appear without a reload)."""
    return _render(request, "portal/_chat_messages.html", {"messages_": chat.chat_messages(customer=request.customer)})


@login_required
@permission_required("portal.answer_chat", raise_exception=True)
def desk_chats_view(request):
    return render(request, "portal/desk_chats.html", {"waiting": list(chat.chat_queue()[:100])})


@login_required
@permission_required("portal.answer_chat", raise_exception=True)
def desk_chat_view(request, customer_id: int):
    from customers.models import Customer

    customer = get_object_or_404(Customer, pk=customer_id)
    form = ChatForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            chat.chat_staff_answer(actor=request.user, customer=customer, text=form.cleaned_data["text"])
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            return redirect("portal:desk_chat", customer_id=customer.pk)
    return render(request, "portal/desk_chat.html", {"chat_customer": customer, "form": form,
                                                     "messages_": chat.chat_messages(customer=customer)},
                  status=400 if form.errors else 200)


@login_required
@permission_required("portal.answer_chat", raise_exception=True)
def desk_chat_messages_view(request, customer_id: int):
    from customers.models import Customer

    customer = get_object_or_404(Customer, pk=customer_id)
    return render(request, "portal/_chat_messages.html", {"messages_": chat.chat_messages(customer=customer),
                                                          "staff_side": True})

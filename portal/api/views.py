"""The portal's API for a future mobile app: the same two-step sign-in as the screens, then the customer's own
lines, bills and payments, and the customer's actions (recharge, plan change, report loss / unlock, call
forwarding, secondary cards, complaints), each looked up through the token's customer (another customer's id is
a 404) and done by the same services as the portal's screens."""

import re

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from billing.selectors import points_summary
from boss.api.idempotency import idempotency_parameter
from boss.api.schema import MONEY_FIELD, error_responses
from boss.client_ip import client_ip
from boss.errors import InvalidInputError
from boss.idempotency import new_key
from boss.models import Hall
from boss.tariffs import tariff
from catalog.models import Plan
from catalog.selectors import plan_list
from complaints.models import ComplaintCategory
from customers.models import ForwardWhen
from inventory.models import Gift
from orders.services.plan_change import plan_change_effective_on, plan_change_pending
from orders.services.secondary_cards import line_sharing
from portal import selectors
from portal.api.auth import CustomerThrottle, CustomerTokenAuthentication, IsCustomer
from portal.services import actions, signin, tokens


def _ip(request):
    return client_ip(request)   # behind the TLS proxy: the client's, not the proxy's (BOSS_TRUSTED_PROXIES)


class SignInApi(APIView):
    """`POST /api/v1/portal/signin`: number and service password; an SMS code goes to the phone. One answer
    for an unknown number and a wrong password; lockout per number and client address (429 with the time)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        msisdn = serializers.CharField(max_length=20)
        password = serializers.CharField(max_length=20)

    class OutputSerializer(serializers.Serializer):
        challenge = serializers.IntegerField()
        expires_at = serializers.DateTimeField()

    @extend_schema(request=InputSerializer, responses={202: OutputSerializer, **error_responses(400, 409, 429)})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = signin.signin_start(msisdn=data.validated_data["msisdn"], password=data.validated_data["password"],
                                     client_ip=_ip(request))
        return Response({"challenge": record.pk, "expires_at": record.expires_at}, status=status.HTTP_202_ACCEPTED)


class SignInCodeApi(APIView):
    """`POST /api/v1/portal/signin/code`: the SMS code of a challenge; answers the customer's token (once)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        challenge = serializers.IntegerField(min_value=1, max_value=2**62)
        code = serializers.CharField(max_length=10)

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer, **error_responses(400, 409, 429)})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = signin.signin_verify(code_id=data.validated_data["challenge"], code=data.validated_data["code"],
                                    client_ip=_ip(request))
        return Response({"token": tokens.customer_token_issue(line=line)}, status=status.HTTP_201_CREATED)


class SignOutApi(APIView):
    """`POST /api/v1/portal/signout`: the token stops working."""

    authentication_classes = [CustomerTokenAuthentication]
    permission_classes = [IsCustomer]
    throttle_classes = [CustomerThrottle]

    @extend_schema(request=None, responses={204: None, **error_responses(409)})
    def post(self, request):
        tokens.customer_token_revoke(record=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PortalLineOutput(serializers.Serializer):
    id = serializers.IntegerField(source="line.pk")
    msisdn = serializers.CharField(source="line.msisdn")
    status = serializers.CharField(source="line.status")
    status_label = serializers.CharField(source="line.get_status_display")
    plan = serializers.CharField(source="line.plan.name")
    balance = serializers.DecimalField(source="money.balance", **MONEY_FIELD)
    deposit = serializers.DecimalField(source="money.deposit", **MONEY_FIELD)


class LinesApi(APIView):
    """`GET /api/v1/portal/lines`: the customer's lines with their accounts' balances."""

    authentication_classes = [CustomerTokenAuthentication]
    permission_classes = [IsCustomer]
    throttle_classes = [CustomerThrottle]

    @extend_schema(responses={200: PortalLineOutput(many=True)})
    def get(self, request):
        return Response(PortalLineOutput(selectors.customer_overview(request.auth.customer), many=True).data)


class BillsApi(APIView):
    """`GET /api/v1/portal/lines/{id}/bills`: the line's bills, newest first (another customer's line: 404)."""

    authentication_classes = [CustomerTokenAuthentication]
    permission_classes = [IsCustomer]
    throttle_classes = [CustomerThrottle]

    class OutputSerializer(serializers.Serializer):
        period = serializers.DateField(format="%Y-%m")
        total = serializers.DecimalField(**MONEY_FIELD)
        paid = serializers.SerializerMethodField()

        def get_paid(self, bill) -> bool:
            return hasattr(bill, "settlement")

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request, line_id: int):
        line = selectors.customer_line(request.auth.customer, line_id)
        return Response(self.OutputSerializer(selectors.line_bills(line), many=True).data)


class PaymentsApi(APIView):
    """`GET /api/v1/portal/lines/{id}/payments`: the recent payments of the line's account."""

    authentication_classes = [CustomerTokenAuthentication]
    permission_classes = [IsCustomer]
    throttle_classes = [CustomerThrottle]

    class OutputSerializer(serializers.Serializer):
        created_at = serializers.DateTimeField()
        method = serializers.CharField()
        amount = serializers.DecimalField(**MONEY_FIELD)

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request, line_id: int):
        line = selectors.customer_line(request.auth.customer, line_id)
        return Response(self.OutputSerializer(selectors.line_payments(line), many=True).data)


class _ReadApi(APIView):
    authentication_classes = [CustomerTokenAuthentication]
    permission_classes = [IsCustomer]
    throttle_classes = [CustomerThrottle]


class PointsApi(_ReadApi):
    """`GET /api/v1/portal/points`: the customer's points, each lot with its expiry date (the points page's)."""

    class LotOutput(serializers.Serializer):
        earned_on = serializers.DateField()
        expires_on = serializers.DateField()
        points = serializers.IntegerField()
        remaining = serializers.IntegerField()

    class OutputSerializer(serializers.Serializer):
        balance = serializers.IntegerField()
        expiring_soon = serializers.IntegerField()
        lots = serializers.ListField(child=serializers.DictField())   # LotOutput: the live lots, soonest first

    @extend_schema(responses={200: inline_serializer("PortalPoints", {
        "balance": serializers.IntegerField(), "expiring_soon": serializers.IntegerField(),
        "lots": LotOutput(many=True)})})
    def get(self, request):
        summary = points_summary(customer=request.auth.customer, entries=0)
        today = timezone.localdate()
        live = [lot for lot in summary.lots if lot.remaining and lot.expires_on >= today]
        return Response({"balance": summary.balance, "expiring_soon": summary.expiring_soon,
                         "lots": self.LotOutput(live, many=True).data})


ITEMISED_MAX = 500


class ItemisedApi(_ReadApi):
    """`GET /api/v1/portal/lines/{id}/itemised?month=YYYY-MM`: the month's usage records, the other party masked
    as the tariff `portal.mask_other_party` says (the screen's and the PDF's rule); months of the line's life only
    (else 404); at most 500 records (`truncated`)."""

    class RecordOutput(serializers.Serializer):
        started_at = serializers.DateTimeField()
        kind = serializers.CharField()
        kind_label = serializers.CharField(source="get_kind_display")
        other_party = serializers.CharField()
        duration_seconds = serializers.IntegerField(allow_null=True)

    class OutputSerializer(serializers.Serializer):
        month = serializers.CharField()
        total = serializers.DecimalField(**MONEY_FIELD)
        records = serializers.ListField(child=serializers.DictField())   # RecordOutput
        truncated = serializers.BooleanField()

    @extend_schema(parameters=[OpenApiParameter("month", str, required=True, description="YYYY-MM")],
                   responses={200: inline_serializer("PortalItemised", {
                       "month": serializers.CharField(), "total": serializers.DecimalField(**MONEY_FIELD),
                       "records": RecordOutput(many=True), "truncated": serializers.BooleanField()}),
                       **error_responses(400, 404)})
    def get(self, request, line_id: int):
        from datetime import date

        from billing.selectors import itemised_bill
        from boss.masking import mask_msisdn

        line = selectors.customer_line(request.auth.customer, line_id)
        raw = request.query_params.get("month", "")
        try:
            if not re.fullmatch(r"\d{4}-\d{2}", raw):
                raise ValueError(raw)
            period = date(int(raw[:4]), int(raw[5:]), 1)
        except ValueError as exc:
            raise InvalidInputError(_("Give the month as YYYY-MM."), field="month") from exc
        if not selectors.line_bill_period_allowed(line, period, today=timezone.localdate()):
            raise Http404
        it = itemised_bill(line=line, period=period)
        records = list(it.records[:ITEMISED_MAX + 1])
        mask = tariff("portal.mask_other_party")
        rows = self.RecordOutput(records[:ITEMISED_MAX], many=True).data
        for row in rows:
            row["other_party"] = (mask_msisdn(row["other_party"]) if mask and row["other_party"]
                                  else row["other_party"])
        return Response({"month": f"{period:%Y-%m}", "total": f"{it.total:.2f}", "records": rows,
                         "truncated": len(records) > ITEMISED_MAX})


class PortabilityApi(_ReadApi):
    """`GET /api/v1/portal/lines/{id}/portability`: the number-portability check (A6), each condition met or
    with its reason (the page's)."""

    class ConditionOutput(serializers.Serializer):
        code = serializers.CharField()
        label = serializers.CharField()
        met = serializers.BooleanField()
        explanation = serializers.CharField()

    class OutputSerializer(serializers.Serializer):
        eligible = serializers.BooleanField()
        conditions = serializers.ListField(child=serializers.DictField())

    @extend_schema(responses={200: inline_serializer("PortalPortability", {
        "eligible": serializers.BooleanField(), "conditions": ConditionOutput(many=True)})})
    def get(self, request, line_id: int):
        from orders.services.portability import line_portability

        line = selectors.customer_line(request.auth.customer, line_id)
        check = line_portability(line=line)
        return Response({"eligible": check.eligible,
                         "conditions": self.ConditionOutput(check.conditions, many=True).data})


class AnnouncementsApi(_ReadApi):
    """`GET /api/v1/portal/announcements`: the announcements and campaigns in force for customers of the hall
    that keeps the token's line (the home page's)."""

    class OutputSerializer(serializers.Serializer):
        title = serializers.CharField()
        body = serializers.CharField()
        kind = serializers.CharField()
        kind_label = serializers.CharField(source="get_kind_display")
        valid_until = serializers.DateTimeField()

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request):
        items = selectors.announcements_for(request.auth.customer, request.auth.line_id)
        return Response(self.OutputSerializer(items, many=True).data)


# --------------------------------------------------------------------------------------------------
# The customer's actions (the same services as the portal's screens: portal.services.actions). Each runs
# once per Idempotency-Key (the customer's own keys); a recharge moves money and needs one, the others
# accept one. Each line is looked up through the token's customer: another customer's line is a 404.
# --------------------------------------------------------------------------------------------------


def _idempotency_key(request, *, required: bool) -> str | None:
    """The request's Idempotency-Key; without one a request that moves no money runs as it is (a fresh key),
    one that moves money is refused (idempotency_key_missing) by the service."""
    key = request.headers.get("Idempotency-Key")
    return key if key or required else new_key()


def _answer(result) -> Response:
    return Response(result.body, status=result.status_code)


class _CustomerApi(APIView):
    authentication_classes = [CustomerTokenAuthentication]
    permission_classes = [IsCustomer]
    throttle_classes = [CustomerThrottle]

    def line(self, request, line_id: int):
        return selectors.customer_line(request.auth.customer, line_id)

    def valid(self, request, serializer_class) -> dict:
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)


class AgreementInput(serializers.Serializer):
    agreement_signed = serializers.BooleanField(
        default=False, help_text="must be true: the customer accepted the terms shown (the counter's signed "
                                 "agreement)")

    def validate_agreement_signed(self, value: bool) -> bool:
        if not value:   # refused here, with the web's words (the counter's would ask to print and sign)
            raise serializers.ValidationError(_("Read the terms and agree to them first."))
        return value


class OrderDone(serializers.Serializer):
    order = serializers.CharField(help_text="the order's reference")


class RechargeApi(_CustomerApi):
    """`POST /api/v1/portal/lines/{id}/recharge` (Idempotency-Key required): recharge the line's account with
    a recharge card (used once). Wrong PINs count per customer and lock recharging like the sign-in (429)."""

    class InputSerializer(serializers.Serializer):
        serial = serializers.CharField(max_length=30)
        pin = serializers.CharField(max_length=30)

    class OutputSerializer(serializers.Serializer):
        payment = serializers.IntegerField()
        amount = serializers.DecimalField(**MONEY_FIELD)

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer},
                   parameters=[idempotency_parameter(required=True)])
    def post(self, request, line_id: int):
        line = self.line(request, line_id)
        data = self.valid(request, self.InputSerializer)
        return _answer(actions.portal_recharge(customer=request.auth.customer, line=line, serial=data["serial"],
                                               pin=data["pin"], key=_idempotency_key(request, required=True)))


class PlansApi(_CustomerApi):
    """`GET /api/v1/portal/lines/{id}/plans`: the main plans the line may change to from the first of next
    month (the current one left out), and the change already agreed, if any."""

    class PlanOutput(serializers.Serializer):
        code = serializers.CharField()
        name = serializers.CharField()
        monthly_fee = serializers.DecimalField(**MONEY_FIELD)

    class OutputSerializer(serializers.Serializer):
        effective_on = serializers.DateField()
        current = serializers.CharField()
        pending = serializers.CharField(allow_null=True, help_text="the plan already agreed for next month")
        plans = serializers.ListField(child=serializers.DictField())

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request, line_id: int):
        line = self.line(request, line_id)
        effective = plan_change_effective_on(immediate=False)
        plans = [p for p in plan_list(on_date=effective, on_sale_only=True, kind=Plan.Kind.MAIN)
                 if p.pk != line.plan_id]
        pending = plan_change_pending(line)
        return Response({"effective_on": effective, "current": line.plan.name,
                         "pending": pending.new_plan.name if pending else None,
                         "plans": self.PlanOutput(plans, many=True).data})


class PlanChangeApi(_CustomerApi):
    """`POST /api/v1/portal/lines/{id}/plan-change`: change the plan from the first of next month (the
    counter's plan change and its refusals; a change with a fee is refused: it is paid at a hall)."""

    class InputSerializer(AgreementInput):
        plan = serializers.CharField(max_length=30, help_text="a plan code from GET …/plans")

    class OutputSerializer(OrderDone):
        plan = serializers.CharField()
        effective_on = serializers.DateField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer},
                   parameters=[idempotency_parameter(required=False)])
    def post(self, request, line_id: int):
        line = self.line(request, line_id)
        data = self.valid(request, self.InputSerializer)
        return _answer(actions.portal_plan_change(customer=request.auth.customer, line=line, plan=data["plan"],
                                                  agreed=data["agreement_signed"],
                                                  key=_idempotency_key(request, required=False)))


class PlanChangeCancelApi(_CustomerApi):
    """`POST /api/v1/portal/lines/{id}/plan-change/cancel`: withdraw the change agreed for next month."""

    @extend_schema(request=AgreementInput, responses={201: OrderDone},
                   parameters=[idempotency_parameter(required=False)])
    def post(self, request, line_id: int):
        line = self.line(request, line_id)
        data = self.valid(request, AgreementInput)
        return _answer(actions.portal_plan_change_cancel(customer=request.auth.customer, line=line,
                                                         agreed=data["agreement_signed"],
                                                         key=_idempotency_key(request, required=False)))


class _LossApi(_CustomerApi):
    unlock = False

    @extend_schema(request=AgreementInput, responses={201: OrderDone},
                   parameters=[idempotency_parameter(required=False)])
    def post(self, request, line_id: int):
        line = self.line(request, line_id)
        data = self.valid(request, AgreementInput)
        return _answer(actions.portal_loss(customer=request.auth.customer, line=line, unlock=self.unlock,
                                           agreed=data["agreement_signed"],
                                           key=_idempotency_key(request, required=False)))


class ReportLossApi(_LossApi):
    """`POST /api/v1/portal/lines/{id}/report-loss`: report the line lost (the network suspends it)."""


class UnlockApi(_LossApi):
    """`POST /api/v1/portal/lines/{id}/unlock`: unlock a line reported lost."""

    unlock = True


class ForwardingApi(_CustomerApi):
    """`GET /api/v1/portal/lines/{id}/forwarding`: whether call forwarding is offered and on (to, when).
    `POST`: start it, or re-set its number and condition while it is on (the counter's feature change; a start
    with a fee is refused: it is paid at a hall)."""

    class OutputSerializer(serializers.Serializer):
        offered = serializers.BooleanField()
        on = serializers.BooleanField()
        forward_to = serializers.CharField(allow_blank=True)
        forward_when = serializers.CharField(allow_blank=True, help_text="always | busy | no_answer | unreachable")
        forward_when_label = serializers.CharField(allow_blank=True)

    class InputSerializer(AgreementInput):
        forward_to = serializers.CharField(max_length=20)
        forward_when = serializers.ChoiceField(choices=ForwardWhen.values,
                                               help_text="always | busy | no_answer | unreachable")

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request, line_id: int):
        state = actions.forwarding_state(self.line(request, line_id))
        settings = (state.held.settings or {}) if state.held else {}
        when = settings.get("when", "")
        return Response({"offered": state.feature is not None or state.held is not None, "on": state.held is not None,
                         "forward_to": settings.get("to", ""), "forward_when": when,
                         "forward_when_label": str(ForwardWhen(when).label) if when in ForwardWhen.values else ""})

    @extend_schema(request=InputSerializer, responses={201: OrderDone},
                   parameters=[idempotency_parameter(required=False)])
    def post(self, request, line_id: int):
        line = self.line(request, line_id)
        data = self.valid(request, self.InputSerializer)
        return _answer(actions.portal_forwarding_set(customer=request.auth.customer, line=line,
                                                     forward_to=data["forward_to"], forward_when=data["forward_when"],
                                                     agreed=data["agreement_signed"],
                                                     key=_idempotency_key(request, required=False)))


class ForwardingStopApi(_CustomerApi):
    """`POST /api/v1/portal/lines/{id}/forwarding/stop`: stop call forwarding."""

    @extend_schema(request=AgreementInput, responses={201: OrderDone},
                   parameters=[idempotency_parameter(required=False)])
    def post(self, request, line_id: int):
        line = self.line(request, line_id)
        data = self.valid(request, AgreementInput)
        return _answer(actions.portal_forwarding_stop(customer=request.auth.customer, line=line,
                                                      agreed=data["agreement_signed"],
                                                      key=_idempotency_key(request, required=False)))


class SecondaryCardsApi(_CustomerApi):
    """`GET /api/v1/portal/lines/{id}/secondary-cards`: the line's secondary cards (主副卡), the primary it is
    itself a secondary card of (if any), and the customer's own other lines that may be offered as one.
    `POST`: make one of the customer's own other lines (by its id) a secondary card of this line from today
    (the counter's service with its refusals: the plan's limit, the other line's state and payment ...).
    Only the customer's own lines are taken: another customer's line id is a 404, never looked up or named."""

    class CardOutput(serializers.Serializer):
        msisdn = serializers.CharField(source="secondary.msisdn")
        since = serializers.DateField()

    class OwnLineOutput(serializers.Serializer):
        id = serializers.IntegerField()
        msisdn = serializers.CharField()

    class OutputSerializer(serializers.Serializer):
        primary = serializers.CharField(allow_null=True,
                                        help_text="the number this line is a secondary card of, or null")
        cards = serializers.ListField(child=serializers.DictField(), help_text="[{msisdn, since}]")
        own_lines = serializers.ListField(child=serializers.DictField(),
                                          help_text="[{id, msisdn}]: the customer's other lines, to add by id")

    class InputSerializer(AgreementInput):
        secondary = serializers.IntegerField(min_value=1, max_value=2**62,
                                             help_text="the id of another of the customer's own lines "
                                                       "(own_lines of GET)")

    class CreatedSerializer(OrderDone):
        secondary = serializers.CharField(help_text="the secondary card's number")

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request, line_id: int):
        line = self.line(request, line_id)
        cards, primary = line_sharing(line)
        others = [ln for ln in selectors.customer_lines(request.auth.customer) if ln.pk != line.pk]
        return Response({"primary": primary.primary.msisdn if primary else None,
                         "cards": self.CardOutput(cards, many=True).data,
                         "own_lines": self.OwnLineOutput(others, many=True).data})

    @extend_schema(request=InputSerializer, responses={201: CreatedSerializer, **error_responses(400, 404, 409)},
                   parameters=[idempotency_parameter(required=False)])
    def post(self, request, line_id: int):
        line = self.line(request, line_id)
        data = self.valid(request, self.InputSerializer)
        secondary = self.line(request, data["secondary"])
        return _answer(actions.portal_secondary_add(customer=request.auth.customer, line=line, secondary=secondary,
                                                    agreed=data["agreement_signed"],
                                                    key=_idempotency_key(request, required=False)))


class SecondaryCardRemoveApi(_CustomerApi):
    """`POST /api/v1/portal/lines/{id}/secondary-cards/remove`: end a secondary card of this line (it shares
    through today; the counter's service and its refusals)."""

    class InputSerializer(AgreementInput):
        secondary = serializers.CharField(max_length=11, help_text="the number of one of the line's secondary cards")

    @extend_schema(request=InputSerializer, responses={201: SecondaryCardsApi.CreatedSerializer,
                                                       **error_responses(400, 404, 409)},
                   parameters=[idempotency_parameter(required=False)])
    def post(self, request, line_id: int):
        line = self.line(request, line_id)
        data = self.valid(request, self.InputSerializer)
        return _answer(actions.portal_secondary_remove(customer=request.auth.customer, line=line,
                                                       secondary=data["secondary"], agreed=data["agreement_signed"],
                                                       key=_idempotency_key(request, required=False)))


class ComplaintCategoriesApi(_CustomerApi):
    """`GET /api/v1/portal/complaint-categories`: what a complaint may be about, and the suggestion's category
    (`kind`: complaint or suggestion; a suggestion is counted apart from the complaints)."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        kind = serializers.ChoiceField(choices=ComplaintCategory.Kind.choices)

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request):
        return Response(self.OutputSerializer(actions.portal_complaint_categories(), many=True).data)


class ComplaintsApi(_CustomerApi):
    """`GET /api/v1/portal/complaints`: the customer's complaints with their status and the answer.
    `POST`: file a complaint or a suggestion (a work order by the web channel, into the complaint queue)."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        number = serializers.CharField()
        category = serializers.CharField(source="category.name")
        status = serializers.CharField()
        status_label = serializers.CharField(source="get_status_display")
        received_at = serializers.DateTimeField()
        answer_due_at = serializers.DateTimeField(allow_null=True)
        description = serializers.CharField()
        answer = serializers.CharField(allow_blank=True, allow_null=True)

    class InputSerializer(serializers.Serializer):
        line = serializers.IntegerField(min_value=1, max_value=2**62, required=False,
                                        help_text="one of the customer's lines; the signed-in line by default")
        category = serializers.IntegerField(min_value=1, max_value=2**62,
                                            help_text="an id from GET /api/v1/portal/complaint-categories")
        description = serializers.CharField(max_length=2000)

    class CreatedSerializer(serializers.Serializer):
        complaint = serializers.IntegerField()
        number = serializers.CharField()

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request):
        return Response(self.OutputSerializer(selectors.customer_complaints(request.auth.customer)[:30],
                                              many=True).data)

    @extend_schema(request=InputSerializer, responses={201: CreatedSerializer},
                   parameters=[idempotency_parameter(required=False)])
    def post(self, request):
        data = self.valid(request, self.InputSerializer)
        line = self.line(request, data.get("line") or request.auth.line_id)
        category = actions.portal_complaint_categories().filter(pk=data["category"]).first()
        if category is None:
            raise InvalidInputError(_("Choose one of the topics offered."), field="category")
        return _answer(actions.portal_complaint(customer=request.auth.customer, line=line, category=category,
                                                description=data["description"],
                                                key=_idempotency_key(request, required=False)))


# --------------------------------------------------------------------------------------------------
# Points gifts ordered online for pick-up at a redemption hall (loyalty's redemption service)
# --------------------------------------------------------------------------------------------------


class PortalHallOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PortalGiftOutput(serializers.Serializer):
    id = serializers.IntegerField(source="gift.pk")
    name = serializers.CharField(source="gift.name")
    points = serializers.IntegerField(source="gift.points")
    cash_topup = serializers.DecimalField(source="gift.cash_topup", **MONEY_FIELD,
                                          help_text="paid at the hall when collected")
    halls = PortalHallOutput(many=True, help_text="the redemption halls holding one today")


class GiftsApi(_CustomerApi):
    """`GET /api/v1/portal/gifts`: the gifts redeemable today, each with the redemption halls holding one, and
    the customer's points balance."""

    class OutputSerializer(serializers.Serializer):
        points_balance = serializers.IntegerField()
        gifts = PortalGiftOutput(many=True)

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request):
        offers = selectors.gift_offers(today=timezone.localdate())
        balance = points_summary(customer=request.auth.customer, entries=0).balance
        return Response(self.OutputSerializer({"points_balance": balance, "gifts": offers}).data)


class PortalRedemptionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    gift = serializers.CharField(source="gift.name")
    points = serializers.IntegerField()
    hall = serializers.CharField(source="hall.name")
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    channel_label = serializers.CharField(source="get_channel_display")
    created_at = serializers.DateTimeField()
    pickup_until = serializers.DateTimeField(allow_null=True)
    refusal = serializers.CharField(allow_blank=True)


class RedemptionsApi(_CustomerApi):
    """`GET /api/v1/portal/redemptions`: the customer's gift redemptions (online orders and the counter's).
    `POST` (Idempotency-Key required: it takes points and a gift): order a gift for pick-up at a redemption
    hall; the counter's refusals (points, stock at that hall, line state, blacklist ...)."""

    class InputSerializer(serializers.Serializer):
        gift = serializers.IntegerField(min_value=1, max_value=2**62, help_text="an id from GET …/portal/gifts")
        hall = serializers.IntegerField(min_value=1, max_value=2**62, help_text="one of the gift's halls")
        line = serializers.IntegerField(min_value=1, max_value=2**62, required=False,
                                        help_text="one of the customer's lines; the signed-in line by default")

    class CreatedSerializer(serializers.Serializer):
        redemption = serializers.IntegerField()
        number = serializers.CharField()
        pickup_until = serializers.DateTimeField()

    @extend_schema(responses={200: PortalRedemptionOutput(many=True)})
    def get(self, request):
        rows = selectors.customer_redemptions(request.auth.customer)[:30]
        return Response(PortalRedemptionOutput(rows, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: CreatedSerializer},
                   parameters=[idempotency_parameter(required=True)])
    def post(self, request):
        data = self.valid(request, self.InputSerializer)
        line = self.line(request, data.get("line") or request.auth.line_id)
        gift = Gift.objects.defer("picture").filter(pk=data["gift"]).first()
        hall = Hall.objects.filter(pk=data["hall"]).first()
        if gift is None:
            raise InvalidInputError(_("Choose one of the gifts offered."), field="gift")
        if hall is None:
            raise InvalidInputError(_("Choose one of the gift's redemption halls."), field="hall")
        return _answer(actions.portal_gift_order(customer=request.auth.customer, line=line, gift=gift, hall=hall,
                                                 key=_idempotency_key(request, required=True)))


class RedemptionCancelApi(_CustomerApi):
    """`POST /api/v1/portal/redemptions/{id}/cancel`: cancel an order not collected yet (the points and the
    gift go back). Another customer's redemption: 404."""

    class OutputSerializer(serializers.Serializer):
        redemption = serializers.IntegerField()
        points_given_back = serializers.IntegerField(allow_null=True)

    @extend_schema(request=None, responses={201: OutputSerializer},
                   parameters=[idempotency_parameter(required=False)])
    def post(self, request, redemption_id: int):
        redemption = selectors.customer_redemption(request.auth.customer, redemption_id)
        return _answer(actions.portal_gift_order_cancel(customer=request.auth.customer, redemption=redemption,
                                                        key=_idempotency_key(request, required=False)))

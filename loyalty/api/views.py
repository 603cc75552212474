"""The redemption API (api.md style): the catalogue at the caller's hall, redemption create (Idempotency-Key),
the big-customer room's answer, the call to the customer, the hand-over (Idempotency-Key), the return. Each view
calls the same service or selector as the screens."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from boss.api.idempotency import api_idempotent, idempotency_parameter
from boss.api.schema import MONEY_FIELD, error_responses
from boss.permissions import RequiresPerm
from customers.selectors import line_get_by_msisdn
from inventory.errors import NotRedemptionHallError
from inventory.models import Gift
from inventory.selectors import gifts_in_stock_at
from loyalty.models import Redemption
from loyalty.selectors import redemption_get_for_actor
from loyalty.services.redemptions import (
    Topup,
    redemption_answer,
    redemption_call,
    redemption_complete,
    redemption_return,
    redemption_start,
    redemption_timeout_check,
)
from orders.services.documents import AgentInput


class TopupMethodField(serializers.CharField):
    """cash or bank_card. A plain string in the schema: a choice field named "method" would clash in the
    schema's enum names with the payments' "method"."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value not in ("cash", "bank_card"):
            raise serializers.ValidationError(_("Choose cash or bank_card."))
        return value


class RedemptionOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    confirmation = serializers.CharField()
    msisdn = serializers.CharField(source="line.msisdn")
    customer_id = serializers.IntegerField()
    gift = serializers.CharField(source="gift.code")
    points = serializers.IntegerField()
    cash_topup = serializers.DecimalField(**MONEY_FIELD)
    confirm_deadline = serializers.DateTimeField(allow_null=True)
    answer_note = serializers.CharField()
    refusal = serializers.CharField()
    completed_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    points_given_back = serializers.IntegerField(allow_null=True)


def _out(redemption: Redemption) -> dict:
    return dict(RedemptionOutput(redemption).data)


class GiftCatalogueApi(APIView):
    """`GET /api/v1/gifts`: the gifts redeemable today and in stock at the caller's redemption hall."""

    permission_classes = [RequiresPerm("loyalty.redeem_gift")]

    class OutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        name = serializers.CharField()
        description = serializers.CharField()
        points = serializers.IntegerField()
        cash_topup = serializers.DecimalField(**MONEY_FIELD)
        valid_until = serializers.DateField(allow_null=True)
        in_stock = serializers.IntegerField()
        picture_url = serializers.CharField(allow_null=True)

    @extend_schema(responses={200: OutputSerializer(many=True), **error_responses(409)})
    def get(self, request):
        hall = request.user.hall
        if hall is None or not hall.redemption_hall:
            raise NotRedemptionHallError()
        gifts = gifts_in_stock_at(hall=hall, today=timezone.localdate())
        for g in gifts:
            g.picture_url = reverse("inventory:gift_picture", args=[g.pk]) if g.picture_type else None
        return Response(self.OutputSerializer(gifts, many=True).data)


class AgentSerializer(serializers.Serializer):
    doc_type = serializers.ChoiceField(choices=["resident_id", "passport", "hmt_permit"])
    number = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=100)


class RedemptionCreateApi(APIView):
    """`POST /api/v1/redemptions` (Idempotency-Key): redeem a gift for the owner of a line. An individual in
    person: done at once (201 completed). A group customer or corporate account: 201 awaiting_room (poll
    `GET /api/v1/redemptions/{id}`); an agent for an individual: 201 awaiting_call."""

    permission_classes = [RequiresPerm("loyalty.redeem_gift")]

    class InputSerializer(serializers.Serializer):
        msisdn = serializers.CharField(max_length=20)
        gift = serializers.SlugRelatedField(slug_field="code", queryset=Gift.objects.defer("picture"))
        documents_checked = serializers.ListField(child=serializers.CharField(max_length=30), max_length=10)
        agent = AgentSerializer(required=False, allow_null=True)
        seal = serializers.ChoiceField(choices=Redemption.Seal.values, required=False, allow_blank=True)
        receipt_signed = serializers.BooleanField(default=False)
        method = TopupMethodField(default="cash", help_text="cash or bank_card (for a cash top-up)")
        tendered = serializers.DecimalField(**MONEY_FIELD, min_value=0, required=False, allow_null=True)

    @extend_schema(request=InputSerializer, responses={201: RedemptionOutput, **error_responses(400, 404, 409)},
                   parameters=[idempotency_parameter(required=True)])
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        line = line_get_by_msisdn(msisdn=v["msisdn"])
        agent = AgentInput(**v["agent"]) if v.get("agent") else None

        def run():
            redemption = redemption_start(actor=request.user, line=line, gift=v["gift"],
                                          documents_checked=v["documents_checked"], agent=agent,
                                          seal=v.get("seal") or "", receipt_signed=v["receipt_signed"],
                                          topup=Topup(method=v["method"], tendered=v.get("tendered")))
            return status.HTTP_201_CREATED, _out(redemption)

        return api_idempotent(request, scope="loyalty.redeem", params=dict(request.data), run=run)


class RedemptionDetailApi(APIView):
    """`GET /api/v1/redemptions/{id}`: the state (a request past its deadline is closed as timed out)."""

    permission_classes = [RequiresPerm("loyalty.view_redemption")]

    @extend_schema(responses={200: RedemptionOutput, **error_responses(404)})
    def get(self, request, pk: int):
        redemption = redemption_get_for_actor(actor=request.user, pk=pk)
        return Response(_out(redemption_timeout_check(actor=request.user, redemption=redemption)))


class AnswerInput(serializers.Serializer):
    answer = serializers.ChoiceField(choices=["confirmed", "refused"])
    note = serializers.CharField(max_length=200)


class RedemptionAnswerApi(APIView):
    """`POST /api/v1/redemptions/{id}/answer`: the big-customer room confirms (who may collect) or refuses.
    After the deadline: 409 confirmation_timed_out, and the request is closed."""

    permission_classes = [RequiresPerm("loyalty.confirm_redemption")]

    @extend_schema(request=AnswerInput, responses={200: RedemptionOutput, **error_responses(400, 404, 409)})
    def post(self, request, pk: int):
        data = AnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        redemption = redemption_answer(actor=request.user, redemption=redemption_get_for_actor(actor=request.user,
                                                                                             pk=pk),
                                       confirmed=data.validated_data["answer"] == "confirmed",
                                       note=data.validated_data["note"])
        return Response(_out(redemption))


class RedemptionCallApi(APIView):
    """`POST /api/v1/redemptions/{id}/call`: the rep records the customer's answer on the phone."""

    permission_classes = [RequiresPerm("loyalty.redeem_gift")]

    @extend_schema(request=AnswerInput, responses={200: RedemptionOutput, **error_responses(400, 404, 409)})
    def post(self, request, pk: int):
        data = AnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        redemption = redemption_call(actor=request.user, redemption=redemption_get_for_actor(actor=request.user, pk=pk),
                                     confirmed=data.validated_data["answer"] == "confirmed",
                                     note=data.validated_data["note"])
        return Response(_out(redemption))


class RedemptionCompletionApi(APIView):
    """`POST /api/v1/redemptions/{id}/completion` (Idempotency-Key): hand over a confirmed gift."""

    permission_classes = [RequiresPerm("loyalty.redeem_gift")]

    class InputSerializer(serializers.Serializer):
        receipt_signed = serializers.BooleanField()
        method = TopupMethodField(default="cash", help_text="cash or bank_card (for a cash top-up)")
        tendered = serializers.DecimalField(**MONEY_FIELD, min_value=0, required=False, allow_null=True)

    @extend_schema(request=InputSerializer, responses={200: RedemptionOutput, **error_responses(400, 404, 409)},
                   parameters=[idempotency_parameter(required=True)])
    def post(self, request, pk: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        redemption = redemption_get_for_actor(actor=request.user, pk=pk)

        def run():
            done = redemption_complete(actor=request.user, redemption=redemption, receipt_signed=v["receipt_signed"],
                                       topup=Topup(method=v["method"], tendered=v.get("tendered")))
            return status.HTTP_200_OK, _out(done)

        return api_idempotent(request, scope="loyalty.complete", params={"redemption": pk, **request.data}, run=run)


class RedemptionReturnApi(APIView):
    """`POST /api/v1/redemptions/{id}/return`: the gift back within its return period."""

    permission_classes = [RequiresPerm("loyalty.return_gift")]

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=200)

    @extend_schema(request=InputSerializer, responses={200: RedemptionOutput, **error_responses(400, 404, 409)})
    def post(self, request, pk: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        redemption = redemption_return(actor=request.user, redemption=redemption_get_for_actor(actor=request.user,
                                                                                             pk=pk),
                                       reason=data.validated_data["reason"])
        return Response(_out(redemption))



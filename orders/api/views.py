"""API of the number pool, quotes, recommendations, stock and catalog (api.md): the same services and
selectors as the counter screens, one APIView per operation."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from boss.api.schema import MONEY_FIELD, error_responses
from boss.permissions import RequiresPerm
from catalog.models import Business, Offer, PaymentMethod, SimCapacity
from catalog.services.quote import quote_price
from customers.selectors import customer_get
from inventory.selectors import (
    number_grade,
)
from orders.errors import OfferUnavailableError
from orders.services.recommendations import recommendation_list, recommendation_record

ERROR = OpenApiResponse(description='`{"code", "message", "params"}`')


# Choice fields of the outputs are plain strings (their values in help_text): an enum named "status" or
# "kind" here would clash in the schema with the other apps' enums of the same field name.

# --------------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------
# Quotes and recommendations
# --------------------------------------------------------------------------------------------------


class QuoteApi(APIView):
    """`POST /api/v1/quotes`: the itemised price of a business for a product on a date (C1-F6)."""

    permission_classes = [RequiresPerm("catalog.quote_price")]

    class InputSerializer(serializers.Serializer):
        business = serializers.ChoiceField(choices=Business.choices)
        product_code = serializers.CharField(max_length=30)
        msisdn = serializers.RegexField(r"^1\d{10}$", required=False, allow_blank=True)
        sim_capacity = serializers.ChoiceField(choices=SimCapacity.choices, required=False, allow_blank=True)
        features = serializers.ListField(child=serializers.CharField(max_length=30), required=False, max_length=20)
        payment_method = serializers.ChoiceField(choices=PaymentMethod.choices, required=False,
                                                 default=PaymentMethod.CASH)
        date = serializers.DateField(required=False, allow_null=True)

    class LineSerializer(serializers.Serializer):
        item = serializers.CharField()
        amount = serializers.DecimalField(**MONEY_FIELD)
        code = serializers.CharField()
        kind = serializers.CharField()

    class OutputSerializer(serializers.Serializer):
        business = serializers.CharField()
        product_code = serializers.CharField(source="product.code")
        date = serializers.DateField(source="on_date")
        lines = serializers.SerializerMethodField()
        total = serializers.DecimalField(**MONEY_FIELD)
        monthly_lines = serializers.SerializerMethodField()
        monthly_total = serializers.DecimalField(**MONEY_FIELD)
        min_monthly_spend = serializers.DecimalField(**MONEY_FIELD)
        agreement_months = serializers.IntegerField()

        def get_lines(self, quote) -> list[dict]:
            return QuoteApi.LineSerializer(quote.lines, many=True).data

        def get_monthly_lines(self, quote) -> list[dict]:
            return QuoteApi.LineSerializer(quote.monthly_lines, many=True).data

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer, **error_responses(400, 404)})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        quote = quote_price(business=v["business"], product_code=v["product_code"], on_date=v.get("date"),
                            grade=number_grade(msisdn=v["msisdn"]) if v.get("msisdn") else None,
                            sim_capacity=v.get("sim_capacity") or None,
                            features=v.get("features") or (), payment_method=v["payment_method"])
        return Response(self.OutputSerializer(quote).data)


class RecommendationListApi(APIView):
    """Offers that fit the customer now, best first (C1-F2/F4)."""

    permission_classes = [RequiresPerm("catalog.view_offer")]

    class OutputSerializer(serializers.Serializer):
        offer = serializers.CharField(source="offer.code")
        name = serializers.CharField(source="offer.name")
        product_code = serializers.CharField(source="offer.product.code")
        product_name = serializers.CharField(source="offer.product.name")
        monthly_fee = serializers.DecimalField(source="offer.product.monthly_fee", **MONEY_FIELD)
        pitch = serializers.CharField(source="offer.pitch")
        reasons = serializers.ListField(child=serializers.CharField())

    @extend_schema(responses={200: OutputSerializer(many=True), **error_responses(404)})
    def get(self, request, customer_id: int):
        customer = customer_get(pk=customer_id, actor=request.user)
        return Response(self.OutputSerializer(recommendation_list(customer=customer), many=True).data)


class RecommendationOutcomeApi(APIView):
    """Record whether the customer accepted an offer."""

    permission_classes = [RequiresPerm("orders.add_recommendationoutcome")]

    class InputSerializer(serializers.Serializer):
        customer_id = serializers.IntegerField(min_value=1)
        offer = serializers.CharField(max_length=40)
        accepted = serializers.BooleanField()
        business = serializers.ChoiceField(choices=Business.choices, required=False, allow_blank=True, default="")
        order_reference = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        offer = serializers.CharField(source="offer.code")
        customer_id = serializers.IntegerField()
        accepted = serializers.BooleanField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer, **error_responses(400, 404)})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        customer = customer_get(pk=v["customer_id"], actor=request.user)
        offer = Offer.objects.filter(code=v["offer"]).first()
        if offer is None:
            raise OfferUnavailableError(offer=v["offer"])
        outcome = recommendation_record(actor=request.user, customer=customer, offer=offer, accepted=v["accepted"],
                                        business=v["business"], order_reference=v["order_reference"])
        return Response(self.OutputSerializer(outcome).data, status=status.HTTP_201_CREATED)


# --------------------------------------------------------------------------------------------------
# Stock
# --------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------
# Catalog
# --------------------------------------------------------------------------------------------------



"""API of the number pool, quotes, recommendations, stock and catalog (api.md): the same services and
selectors as the counter screens, one APIView per operation."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from boss.idempotency import idempotent
from boss.models import Hall
from boss.permissions import RequiresPerm
from orders.errors import OfferUnavailableError
from orders.filtersets import (
    FeatureFilterSet,
    HandsetFilterSet,
    NumberSearchFilterSet,
    PlanFilterSet,
    RechargeCardFilterSet,
    SimCardFilterSet,
)
from orders.models import (
    Business,
    Feature,
    Handset,
    NumberReservation,
    NumberResource,
    Offer,
    PaymentMethod,
    Plan,
    RechargeCard,
    SimCapacity,
    SimCard,
    StockImport,
)
from orders.selectors import (
    CappedPaginator,
    customer_get,
    feature_list,
    handset_list_for_actor,
    number_list_free,
    plan_list,
    recharge_card_list_for_actor,
    reservation_list_for_actor,
    selection_fees_in_force,
    sim_list_for_actor,
    stock_summary_for_actor,
)
from orders.services.numbers import msisdn_normalize, number_release, number_reserve
from orders.services.quote import quote_price
from orders.services.recommendations import recommendation_list, recommendation_record
from orders.services.stock import stock_import

MONEY = {"max_digits": 16, "decimal_places": 2}
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description="A client-generated UUID; a repeat with the same key and body returns the first response.")
ERROR = OpenApiResponse(description='`{"code", "message", "params"}`')


class _ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    params = serializers.DictField()


def _errors(*statuses: int) -> dict:
    return {s: OpenApiResponse(response=_ErrorSerializer, description="A refusal with a stable code.")
            for s in statuses}


def _fake(view) -> bool:
    return getattr(view, "swagger_fake_view", False)  # schema generation has no user


# Choice fields of the outputs are plain strings (their values in help_text): an enum named "status" or
# "kind" here would clash in the schema with the other apps' enums of the same field name.

# --------------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------------


class NumberSearchPagination(PageNumberPagination):
    """Page numbers; `count` stops at 1,000 (`count_capped` says there were more: narrow the search)."""

    page_size = 20
    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        return Response({"count": self.page.paginator.count, "count_capped": self.page.paginator.capped,
                         "next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_capped"] = {"type": "boolean"}
        response["required"] = [*response.get("required", []), "count_capped"]
        return response


class NumberSearchApi(generics.ListAPIView):
    """`GET /api/v1/numbers?ending=&contains=&segment=&grade=&pattern=&page=`: free numbers only."""

    permission_classes = [RequiresPerm("orders.view_numberresource")]
    filter_backends = [DjangoFilterBackend]
    filterset_class = NumberSearchFilterSet
    pagination_class = NumberSearchPagination

    class OutputSerializer(serializers.Serializer):
        msisdn = serializers.CharField()
        grade = serializers.CharField(source="grade.code")
        grade_name = serializers.CharField(source="grade.name")
        pattern = serializers.CharField()
        segment = serializers.CharField(source="segment.prefix")
        selection_fee = serializers.SerializerMethodField()
        pre_deposit = serializers.DecimalField(source="grade.pre_deposit", **MONEY)
        min_monthly_spend = serializers.DecimalField(source="grade.min_monthly_spend", **MONEY)
        agreement_months = serializers.IntegerField(source="grade.agreement_months")
        status = serializers.SerializerMethodField()

        def get_selection_fee(self, number) -> str:
            return f"{self.context['fees'].get(number.grade_id, 0):.2f}"

        def get_status(self, number) -> str:
            return number.effective_status(self.context["now"])

    serializer_class = OutputSerializer

    def get_queryset(self):
        return NumberResource.objects.none() if _fake(self) else number_list_free()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context.update(fees={} if _fake(self) else selection_fees_in_force(), now=timezone.now())
        return context


class _ReservationPermission(BasePermission):
    """Reserving needs `reserve_number`; releasing, `reserve_number` (the holder) or
    `release_any_reservation` (a manager). The service checks who holds it."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method == "DELETE":
            return user.has_perm("orders.reserve_number") or user.has_perm("orders.release_any_reservation")
        return user.has_perm("orders.reserve_number")


class NumberReservationApi(APIView):
    """`POST` reserves the number (预占) for `number.reservation_minutes`; `DELETE` releases it."""

    permission_classes = [_ReservationPermission]

    class InputSerializer(serializers.Serializer):
        customer_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)

    class OutputSerializer(serializers.Serializer):
        msisdn = serializers.CharField()
        reserved_until = serializers.DateTimeField()
        customer_id = serializers.IntegerField(allow_null=True)

    @extend_schema(request=InputSerializer, parameters=[IDEMPOTENCY_KEY],
                   responses={201: OutputSerializer, **_errors(400, 404, 409)})
    def post(self, request, msisdn: str):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        msisdn = msisdn_normalize(msisdn)
        customer_id = data.validated_data.get("customer_id")
        customer = customer_get(pk=customer_id) if customer_id else None

        def run():
            reservation = number_reserve(actor=request.user, msisdn=msisdn, customer=customer)
            body = {"msisdn": msisdn, "reserved_until": timezone.localtime(reservation.reserved_until),
                    "customer_id": customer.pk if customer else None}
            return 201, self.OutputSerializer(body).data

        result = idempotent(actor=request.user, key=request.headers.get("Idempotency-Key"),
                            scope="number.reserve", params={"msisdn": msisdn, "customer": customer_id}, run=run)
        return Response(result.body, status=result.status_code)

    @extend_schema(request=None, responses={204: None, **_errors(403, 404)})
    def delete(self, request, msisdn: str):
        number_release(actor=request.user, msisdn=msisdn)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReservationListApi(generics.ListAPIView):
    """Live reservations the caller may see: their own; a store manager's hall; a manager all."""

    permission_classes = [RequiresPerm("orders.view_numberreservation")]

    class OutputSerializer(serializers.ModelSerializer):
        msisdn = serializers.CharField(source="number.msisdn")
        grade = serializers.CharField(source="number.grade.code")
        reserved_by = serializers.CharField(source="reserved_by.username")
        hall = serializers.CharField(source="hall.code", allow_null=True, default=None)

        class Meta:
            model = NumberReservation
            fields = ["msisdn", "grade", "reserved_by", "hall", "customer", "reserved_until"]

    serializer_class = OutputSerializer

    def get_queryset(self):
        return NumberReservation.objects.none() if _fake(self) else reservation_list_for_actor(actor=self.request.user)


# --------------------------------------------------------------------------------------------------
# Quotes and recommendations
# --------------------------------------------------------------------------------------------------


class QuoteApi(APIView):
    """`POST /api/v1/quotes`: the itemised price of a business for a product on a date (C1-F6)."""

    permission_classes = [RequiresPerm("orders.quote_price")]

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
        amount = serializers.DecimalField(**MONEY)
        code = serializers.CharField()
        kind = serializers.CharField()

    class OutputSerializer(serializers.Serializer):
        business = serializers.CharField()
        product_code = serializers.CharField(source="product.code")
        date = serializers.DateField(source="on_date")
        lines = serializers.SerializerMethodField()
        total = serializers.DecimalField(**MONEY)
        monthly_lines = serializers.SerializerMethodField()
        monthly_total = serializers.DecimalField(**MONEY)
        min_monthly_spend = serializers.DecimalField(**MONEY)
        agreement_months = serializers.IntegerField()

        def get_lines(self, quote) -> list[dict]:
            return QuoteApi.LineSerializer(quote.lines, many=True).data

        def get_monthly_lines(self, quote) -> list[dict]:
            return QuoteApi.LineSerializer(quote.monthly_lines, many=True).data

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer, **_errors(400, 404)})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        quote = quote_price(business=v["business"], product_code=v["product_code"], on_date=v.get("date"),
                            msisdn=v.get("msisdn") or None, sim_capacity=v.get("sim_capacity") or None,
                            features=v.get("features") or (), payment_method=v["payment_method"])
        return Response(self.OutputSerializer(quote).data)


class RecommendationListApi(APIView):
    """Offers that fit the customer now, best first (C1-F2/F4)."""

    permission_classes = [RequiresPerm("orders.view_offer")]

    class OutputSerializer(serializers.Serializer):
        offer = serializers.CharField(source="offer.code")
        name = serializers.CharField(source="offer.name")
        product_code = serializers.CharField(source="offer.product.code")
        product_name = serializers.CharField(source="offer.product.name")
        monthly_fee = serializers.DecimalField(source="offer.product.monthly_fee", **MONEY)
        pitch = serializers.CharField(source="offer.pitch")
        reasons = serializers.ListField(child=serializers.CharField())

    @extend_schema(responses={200: OutputSerializer(many=True), **_errors(404)})
    def get(self, request, customer_id: int):
        customer = customer_get(pk=customer_id)
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

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer, **_errors(400, 404)})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        customer = customer_get(pk=v["customer_id"])
        offer = Offer.objects.filter(code=v["offer"]).first()
        if offer is None:
            raise OfferUnavailableError(offer=v["offer"])
        outcome = recommendation_record(actor=request.user, customer=customer, offer=offer, accepted=v["accepted"],
                                        business=v["business"], order_reference=v["order_reference"])
        return Response(self.OutputSerializer(outcome).data, status=status.HTTP_201_CREATED)


# --------------------------------------------------------------------------------------------------
# Stock
# --------------------------------------------------------------------------------------------------


class _StockListApi(generics.ListAPIView):
    filter_backends = [DjangoFilterBackend]
    model = None
    selector = None

    def get_queryset(self):
        return self.model.objects.none() if _fake(self) else type(self).selector(actor=self.request.user)


class SimCardListApi(_StockListApi):
    """SIM cards of the caller's hall (every hall for roles spanning halls)."""

    permission_classes = [RequiresPerm("orders.view_simcard")]
    filterset_class, model, selector = SimCardFilterSet, SimCard, sim_list_for_actor

    class OutputSerializer(serializers.ModelSerializer):
        hall = serializers.CharField(source="hall.code")
        capacity = serializers.CharField(help_text="64k, 128k or usim")
        status = serializers.CharField(help_text="in_stock, assigned or damaged")

        class Meta:
            model = SimCard
            fields = ["iccid", "imsi", "capacity", "hall", "status", "created_at"]

    serializer_class = OutputSerializer


class HandsetListApi(_StockListApi):
    """Handsets of the caller's hall (every hall for roles spanning halls)."""

    permission_classes = [RequiresPerm("orders.view_handset")]
    filterset_class, model, selector = HandsetFilterSet, Handset, handset_list_for_actor

    class OutputSerializer(serializers.ModelSerializer):
        hall = serializers.CharField(source="hall.code")
        model = serializers.CharField(source="model.code")
        model_name = serializers.CharField(source="model.__str__")
        price = serializers.DecimalField(source="model.price", **MONEY)
        status = serializers.CharField(help_text="in_stock, sold or damaged")

        class Meta:
            model = Handset
            fields = ["imei", "model", "model_name", "price", "hall", "status"]

    serializer_class = OutputSerializer


class RechargeCardListApi(_StockListApi):
    """Recharge cards of the caller's hall; never the PIN or its hash."""

    permission_classes = [RequiresPerm("orders.view_rechargecard")]
    filterset_class, model, selector = RechargeCardFilterSet, RechargeCard, recharge_card_list_for_actor

    class OutputSerializer(serializers.ModelSerializer):
        hall = serializers.CharField(source="hall.code")
        status = serializers.CharField(help_text="active, redeemed or void")

        class Meta:
            model = RechargeCard
            fields = ["serial", "face_value", "valid_until", "hall", "status", "redeemed_at"]

    serializer_class = OutputSerializer


class StockSummaryApi(APIView):
    """Counts per hall, item and status."""

    permission_classes = [RequiresPerm("orders.view_simcard")]

    class RowSerializer(serializers.Serializer):
        hall = serializers.CharField(source="hall__code")
        status = serializers.CharField()
        count = serializers.IntegerField(source="n")

    class SimRowSerializer(RowSerializer):
        capacity = serializers.CharField()

    class HandsetRowSerializer(RowSerializer):
        brand = serializers.CharField(source="model__brand")
        model = serializers.CharField(source="model__name")

    class CardRowSerializer(RowSerializer):
        face_value = serializers.DecimalField(**MONEY)

    class OutputSerializer(serializers.Serializer):
        sims = serializers.SerializerMethodField()
        handsets = serializers.SerializerMethodField()
        recharge_cards = serializers.SerializerMethodField()

        def get_sims(self, summary) -> list[dict]:
            return StockSummaryApi.SimRowSerializer(summary["sims"], many=True).data

        def get_handsets(self, summary) -> list[dict]:
            return StockSummaryApi.HandsetRowSerializer(summary["handsets"], many=True).data

        def get_recharge_cards(self, summary) -> list[dict]:
            return StockSummaryApi.CardRowSerializer(summary["recharge_cards"], many=True).data

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request):
        return Response(self.OutputSerializer(stock_summary_for_actor(actor=request.user)).data)


class StockImportApi(APIView):
    """`POST /api/v1/stock/imports` (multipart: kind, hall?, file): see orders.services.stock for the CSV
    format. Good lines are kept, refused ones reported with their line numbers."""

    permission_classes = [RequiresPerm("orders.import_stock")]
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        # A plain string checked below: a choice field named "kind" would clash in the schema's enum
        # names with the ledger's "kind".
        kind = serializers.CharField(help_text="sim, handset, recharge_card or number")
        hall = serializers.SlugRelatedField(slug_field="code", queryset=Hall.objects.all(), required=False,
                                            allow_null=True)
        file = serializers.FileField()

        def validate_kind(self, value):
            if value not in StockImport.Kind.values:
                raise serializers.ValidationError(_("Choose one of: %(kinds)s.")
                                                  % {"kinds": ", ".join(StockImport.Kind.values)})
            return value

    class OutputSerializer(serializers.ModelSerializer):
        kind = serializers.CharField()
        hall = serializers.CharField(source="hall.code", allow_null=True, default=None)
        errors = serializers.ListField(source="report.errors", child=serializers.ListField())
        duplicates = serializers.ListField(source="report.duplicates", child=serializers.ListField())

        class Meta:
            model = StockImport
            fields = ["id", "kind", "hall", "filename", "created_count", "duplicate_count", "error_count",
                      "errors", "duplicates"]

    @extend_schema(request={"multipart/form-data": InputSerializer},
                   responses={201: OutputSerializer, **_errors(400, 403)})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        batch = stock_import(actor=request.user, kind=v["kind"], data=v["file"].read(), filename=v["file"].name,
                             hall=v.get("hall"))
        return Response(self.OutputSerializer(batch).data, status=status.HTTP_201_CREATED)


# --------------------------------------------------------------------------------------------------
# Catalog
# --------------------------------------------------------------------------------------------------


class ProductListApi(generics.ListAPIView):
    """Plans and add-ons with their allowances and rates."""

    permission_classes = [RequiresPerm("orders.view_plan")]
    filter_backends = [DjangoFilterBackend]
    filterset_class = PlanFilterSet

    class OutputSerializer(serializers.ModelSerializer):
        kind = serializers.CharField(help_text="main, data, family or voice")
        brand = serializers.CharField(help_text="gotone, mzone, easyown or empty")
        network = serializers.CharField(help_text="4g or 5g")

        class Meta:
            model = Plan
            fields = ["code", "name", "kind", "brand", "network", "monthly_fee", "voice_minutes", "sms_count",
                      "data_mb", "overage_per_minute", "overage_per_sms", "overage_per_mb", "roaming_per_minute",
                      "long_distance_per_minute", "active", "valid_from", "valid_until"]

    serializer_class = OutputSerializer

    def get_queryset(self):
        return plan_list()


class FeatureListApi(generics.ListAPIView):
    """Features with their monthly fee and the deposit they require."""

    permission_classes = [RequiresPerm("orders.view_feature")]
    filter_backends = [DjangoFilterBackend]
    filterset_class = FeatureFilterSet

    class OutputSerializer(serializers.ModelSerializer):
        kind = serializers.CharField(
            help_text="roaming, long_distance, call_forwarding, caller_id, vpmn, voicemail, other")

        class Meta:
            model = Feature
            fields = ["code", "name", "kind", "level", "monthly_fee", "deposit_param", "active", "valid_from",
                      "valid_until"]

    serializer_class = OutputSerializer

    def get_queryset(self):
        return feature_list()

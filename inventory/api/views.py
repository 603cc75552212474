"""API of the number pool and the stock (api.md): the same services and selectors as the screens, one APIView
per operation."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from boss.api.schema import IDEMPOTENCY_KEY, MONEY_FIELD, error_responses, is_schema_generation
from boss.idempotency import idempotent
from boss.models import Hall
from boss.permissions import RequiresPerm
from catalog.selectors import selection_fees_in_force
from customers.identity import msisdn_normalize
from customers.selectors import customer_get
from inventory.filtersets import (
    HandsetFilterSet,
    NumberSearchFilterSet,
    RechargeCardFilterSet,
    SimCardFilterSet,
)
from inventory.models import GiftStock, Handset, NumberReservation, NumberResource, RechargeCard, SimCard, StockImport
from inventory.selectors import (
    CappedPaginator,
    gift_stock_list_for_actor,
    handset_list_for_actor,
    number_list_free,
    recharge_card_list_for_actor,
    reservation_list_for_actor,
    sim_list_for_actor,
    stock_summary_for_actor,
)
from inventory.services.numbers import number_release, number_reserve
from inventory.services.stock import stock_import


class NumberSearchPagination(PageNumberPagination):
    """Page numbers; `count` stops at 200 (`count_capped` says there were more: narrow the search)."""

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


def _money(amount) -> str:
    return f"{amount:.2f}"   # MONEY_FIELD as DRF writes it: a string with two decimals


class NumberSearchApi(generics.ListAPIView):
    """`GET /api/v1/numbers?ending=&contains=&segment=&grade=&pattern=&page=`: free numbers only."""

    permission_classes = [RequiresPerm("inventory.view_numberresource")]
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
        pre_deposit = serializers.DecimalField(source="grade.pre_deposit", **MONEY_FIELD)
        min_monthly_spend = serializers.DecimalField(source="grade.min_monthly_spend", **MONEY_FIELD)
        agreement_months = serializers.IntegerField(source="grade.agreement_months")
        status = serializers.SerializerMethodField()

        def get_selection_fee(self, number) -> str:
            return _money(self.context["fees"].get(number.grade_id, 0))

        def get_status(self, number) -> str:
            return number.effective_status(self.context["now"])

        def to_representation(self, number):
            """The fields above, written out: DRF's field-by-field walk was a sixth of a search's server time
            for 20 rows (issue 20). The declarations stay for the schema; a test holds the two equal."""
            grade = number.grade
            return {"msisdn": number.msisdn, "grade": grade.code, "grade_name": grade.name,
                    "pattern": number.pattern, "segment": number.segment.prefix,
                    "selection_fee": self.get_selection_fee(number), "pre_deposit": _money(grade.pre_deposit),
                    "min_monthly_spend": _money(grade.min_monthly_spend),
                    "agreement_months": grade.agreement_months, "status": self.get_status(number)}

    serializer_class = OutputSerializer

    def get_queryset(self):
        return NumberResource.objects.none() if is_schema_generation(self) else number_list_free()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context.update(fees={} if is_schema_generation(self) else selection_fees_in_force(), now=timezone.now())
        return context


class _ReservationPermission(BasePermission):
    """Reserving needs `reserve_number`; releasing, `reserve_number` (the holder) or
    `release_any_reservation` (a manager). The service checks who holds it."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method == "DELETE":
            return user.has_perm("inventory.reserve_number") or user.has_perm("inventory.release_any_reservation")
        return user.has_perm("inventory.reserve_number")


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
                   responses={201: OutputSerializer, **error_responses(400, 404, 409)})
    def post(self, request, msisdn: str):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        msisdn = msisdn_normalize(msisdn)
        customer_id = data.validated_data.get("customer_id")
        customer = customer_get(pk=customer_id, actor=request.user) if customer_id else None

        def run():
            reservation = number_reserve(actor=request.user, msisdn=msisdn, customer=customer)
            body = {"msisdn": msisdn, "reserved_until": timezone.localtime(reservation.reserved_until),
                    "customer_id": customer.pk if customer else None}
            return 201, self.OutputSerializer(body).data

        result = idempotent(actor=request.user, key=request.headers.get("Idempotency-Key"),
                            scope="number.reserve", params={"msisdn": msisdn, "customer": customer_id}, run=run)
        return Response(result.body, status=result.status_code)

    @extend_schema(request=None, responses={204: None, **error_responses(403, 404)})
    def delete(self, request, msisdn: str):
        number_release(actor=request.user, msisdn=msisdn)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReservationListApi(generics.ListAPIView):
    """Live reservations the caller may see: their own; a store manager's hall; a manager all."""

    permission_classes = [RequiresPerm("inventory.view_numberreservation")]

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
        if is_schema_generation(self):
            return NumberReservation.objects.none()
        return reservation_list_for_actor(actor=self.request.user)


class _StockListApi(generics.ListAPIView):
    filter_backends = [DjangoFilterBackend]
    model = None
    selector = None

    def get_queryset(self):
        return self.model.objects.none() if is_schema_generation(self) else type(self).selector(actor=self.request.user)


class SimCardListApi(_StockListApi):
    """SIM cards of the caller's hall (every hall for roles spanning halls)."""

    permission_classes = [RequiresPerm("inventory.view_simcard")]
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

    permission_classes = [RequiresPerm("inventory.view_handset")]
    filterset_class, model, selector = HandsetFilterSet, Handset, handset_list_for_actor

    class OutputSerializer(serializers.ModelSerializer):
        hall = serializers.CharField(source="hall.code")
        model = serializers.CharField(source="model.code")
        model_name = serializers.CharField(source="model.__str__")
        price = serializers.DecimalField(source="model.price", **MONEY_FIELD)
        status = serializers.CharField(help_text="in_stock, sold or damaged")

        class Meta:
            model = Handset
            fields = ["imei", "model", "model_name", "price", "hall", "status"]

    serializer_class = OutputSerializer


class RechargeCardListApi(_StockListApi):
    """Recharge cards of the caller's hall; never the PIN or its hash."""

    permission_classes = [RequiresPerm("inventory.view_rechargecard")]
    filterset_class, model, selector = RechargeCardFilterSet, RechargeCard, recharge_card_list_for_actor

    class OutputSerializer(serializers.ModelSerializer):
        hall = serializers.CharField(source="hall.code")
        status = serializers.CharField(help_text="active, redeemed or void")

        class Meta:
            model = RechargeCard
            fields = ["serial", "face_value", "valid_until", "hall", "status", "redeemed_at"]

    serializer_class = OutputSerializer


class GiftStockListApi(_StockListApi):
    """Points gifts in stock at the caller's hall (every redemption hall for roles spanning halls)."""

    permission_classes = [RequiresPerm("inventory.view_giftstock")]
    filterset_class, model, selector = None, GiftStock, gift_stock_list_for_actor

    class OutputSerializer(serializers.ModelSerializer):
        hall = serializers.CharField(source="hall.code")
        gift = serializers.CharField(source="gift.code")
        gift_name = serializers.CharField(source="gift.name")
        points = serializers.IntegerField(source="gift.points")
        cash_topup = serializers.DecimalField(source="gift.cash_topup", **MONEY_FIELD)

        class Meta:
            model = GiftStock
            fields = ["id", "hall", "gift", "gift_name", "points", "cash_topup", "quantity", "updated_at"]

    serializer_class = OutputSerializer


class StockSummaryApi(APIView):
    """Counts per hall, item and status."""

    permission_classes = [RequiresPerm("inventory.view_simcard")]

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
        face_value = serializers.DecimalField(**MONEY_FIELD)

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

    permission_classes = [RequiresPerm("inventory.import_stock")]
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        # A plain string checked below: a choice field named "kind" would clash in the schema's enum
        # names with the ledger's "kind".
        kind = serializers.CharField(help_text="sim, handset, recharge_card, number or gift")
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
                   responses={201: OutputSerializer, **error_responses(400, 403)})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        batch = stock_import(actor=request.user, kind=v["kind"], data=v["file"].read(), filename=v["file"].name,
                             hall=v.get("hall"))
        return Response(self.OutputSerializer(batch).data, status=status.HTTP_201_CREATED)

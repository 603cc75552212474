"""The partner API (process 13): a partner's system pushes joint-blacklist entries and reads ours, with
its own key (`Authorization: PartnerKey <key>`). Every call is audited with the interface number."""

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from boss.api.schema import ErrorOutput
from boss.audit import audit_record
from boss.errors import InvalidInputError, NotFound, NotPermitted
from boss.masking import mask_msisdn
from partners.api.auth import HasScope, PartnerKeyAuthentication, PartnerKeyThrottle
from partners.hashing import identity_hash
from partners.models import DiscountRequest, PartnerKey
from partners.selectors import published_blacklist
from partners.services import blacklist_rows_apply
from partners.services.discounts import discount_request_apply, discount_request_create, partner_channel_actor


class PartnerApiView(APIView):
    authentication_classes = [PartnerKeyAuthentication]
    throttle_classes = [PartnerKeyThrottle]
    scope = ""

    def get_permissions(self):
        return [HasScope(self.scope)()]

    def finalize_response(self, request, response, *args, **kwargs):
        key = getattr(request, "auth", None)
        if isinstance(key, PartnerKey):
            audit_record(actor=None, action="partner.api_call", target=key.partner, hall=None,
                         after={"interface_number": key.partner.interface_number, "key": key.prefix,
                                "method": request.method, "path": request.path[:100],
                                "status": response.status_code})
        return super().finalize_response(request, response, *args, **kwargs)


class EntryInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=["add", "remove"], default="add")
    identity_type = serializers.CharField(max_length=20)
    number = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    number_hash = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    reason = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    since = serializers.CharField(max_length=10, required=False, default="", allow_blank=True)


class RowErrorOutput(serializers.Serializer):
    row = serializers.IntegerField()
    field = serializers.CharField()
    error = serializers.CharField()


class BlacklistImportOutput(serializers.Serializer):
    import_id = serializers.IntegerField(source="pk")
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    removed = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = RowErrorOutput(many=True)


class BlacklistPushApi(PartnerApiView):
    """`POST /api/v1/partner/blacklist/entries`: add, correct or remove entries of the joint blacklist.
    The same entries twice change nothing; a bad row is listed in `errors` and the rest are applied."""

    scope = PartnerKey.Scope.BLACKLIST_PUSH

    class InputSerializer(serializers.Serializer):
        entries = serializers.ListField(child=serializers.JSONField(), min_length=1, max_length=1000)

    @extend_schema(request=InputSerializer, responses={200: BlacklistImportOutput, 400: ErrorOutput,
                                                       401: ErrorOutput, 403: ErrorOutput, 409: ErrorOutput})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rows = []
        for raw in data.validated_data["entries"]:
            entry = EntryInput(data=raw)
            # A row of the wrong shape is passed on as it is: the service refuses it with its reason.
            rows.append(dict(entry.validated_data) if entry.is_valid() else {"action": "?"})
        batch = blacklist_rows_apply(partner=request.auth.partner, rows=rows, channel="api")
        return Response(BlacklistImportOutput(batch).data)


class PublishedEntryOutput(serializers.Serializer):
    identity_type = serializers.CharField()
    number_hash = serializers.CharField()
    since = serializers.DateField()
    until = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    changed_at = serializers.DateTimeField()


class PublishedPage(PageNumberPagination):
    page_size = 200


class BlacklistPublishedApi(PartnerApiView):
    """`GET /api/v1/partner/blacklist?changed_since=`: our blacklist as the agreement allows: the
    document type, the number hashed with the exchange's shared key, since, until and whether it is still
    in force (`active` or `removed`), oldest change first; only for partners whose agreement allows it."""

    scope = PartnerKey.Scope.BLACKLIST_READ
    pagination_class = PublishedPage       # the schema declares the page (count, next, previous, results)

    @extend_schema(parameters=[OpenApiParameter("changed_since", str, description="ISO 8601 time"),
                               OpenApiParameter("page", int)],
                   responses={200: PublishedEntryOutput(many=True), 400: ErrorOutput, 401: ErrorOutput,
                              403: ErrorOutput})
    def get(self, request):
        if not request.auth.partner.receives_blacklist:
            raise NotPermitted(_("The agreement with this partner does not include our blacklist."))
        raw = request.query_params.get("changed_since")
        since = None
        if raw:
            try:
                since = parse_datetime(raw)
            except ValueError:
                since = None
            if since is None:
                raise InvalidInputError(_("Give changed_since as an ISO 8601 time."), field="changed_since")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(published_blacklist(changed_since=since), request, view=self)
        today = timezone.localdate()
        rows = [{"identity_type": c.customer.identity.doc_type,
                 "number_hash": identity_hash(c.customer.identity.doc_type, c.customer.identity.number),
                 "since": c.since, "until": c.until,
                 "status": "active" if (c.revoked_at is None and (c.until is None or c.until >= today))
                 else "removed",
                 "changed_at": c.updated_at} for c in page]
        return paginator.get_paginated_response(PublishedEntryOutput(rows, many=True).data)


# --------------------------------------------------------------------------------------------------
# The discount interface: a channel partner asks for a discount, reads the decision, applies it
# --------------------------------------------------------------------------------------------------


class DiscountRequestOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    reference = serializers.CharField()
    discount = serializers.CharField(source="discount.code")
    msisdn = serializers.SerializerMethodField()
    order = serializers.SerializerMethodField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    decision_note = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    applied_order = serializers.SerializerMethodField()
    applied_at = serializers.DateTimeField(allow_null=True)

    def get_msisdn(self, obj) -> str:
        return mask_msisdn(obj.line.msisdn)

    def get_order(self, obj) -> str:
        return obj.order.reference if obj.order_id else ""

    def get_applied_order(self, obj) -> str:
        return obj.applied_order.reference if obj.applied_order_id else ""


def _own_request(request, pk: int) -> DiscountRequest:
    found = (DiscountRequest.objects.select_related("discount", "line", "order", "applied_order")
             .filter(pk=pk, partner=request.auth.partner).first())
    if found is None:
        raise NotFound(_("No such discount request of this partner."))
    return found


class DiscountRequestCreateApi(PartnerApiView):
    """`POST /api/v1/partner/discount-requests`: ask for a discount (its catalogue code) for a line (`msisdn`)
    or an order (`order`, its reference), with the reason; `reference` (the partner's own id) makes a repeat
    return the first request. 201 with the request, awaiting the marketing manager's decision."""

    scope = PartnerKey.Scope.DISCOUNT_REQUEST

    class InputSerializer(serializers.Serializer):
        discount = serializers.CharField(max_length=40)
        msisdn = serializers.CharField(max_length=11, required=False, default="", allow_blank=True)
        order = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
        reason = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
        reference = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)

    @extend_schema(request=InputSerializer, responses={201: DiscountRequestOutput, 400: ErrorOutput,
                                                       401: ErrorOutput, 403: ErrorOutput, 409: ErrorOutput})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        created = discount_request_create(actor=None, partner=request.auth.partner, discount=v["discount"],
                                          msisdn=v["msisdn"], order_reference=v["order"], reason=v["reason"],
                                          reference=v["reference"], channel=DiscountRequest.Channel.API)
        return Response(DiscountRequestOutput(_own_request(request, created.pk)).data, status=201)


class DiscountRequestDetailApi(PartnerApiView):
    """`GET /api/v1/partner/discount-requests/{id}`: one of the partner's requests with its decision (a
    refusal's reason in `decision_note`)."""

    scope = PartnerKey.Scope.DISCOUNT_REQUEST

    @extend_schema(responses={200: DiscountRequestOutput, 401: ErrorOutput, 403: ErrorOutput, 404: ErrorOutput})
    def get(self, request, pk: int):
        return Response(DiscountRequestOutput(_own_request(request, pk)).data)


class DiscountRequestApplyApi(PartnerApiView):
    """`POST /api/v1/partner/discount-requests/{id}/apply`: grant an approved request's discount to the line
    now (once; the line's discount change order is made by the partner channel at the line's hall)."""

    scope = PartnerKey.Scope.DISCOUNT_REQUEST

    @extend_schema(request=None, responses={200: DiscountRequestOutput, 401: ErrorOutput, 403: ErrorOutput,
                                            404: ErrorOutput, 409: ErrorOutput})
    def post(self, request, pk: int):
        found = _own_request(request, pk)
        discount_request_apply(actor=partner_channel_actor(hall=found.line.hall), request=found)
        return Response(DiscountRequestOutput(_own_request(request, pk)).data)

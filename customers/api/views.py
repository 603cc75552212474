"""Customer endpoints (api.md): identity validation, register, read, contact data, classes, reveal,
search. One APIView per operation calling the same services as the screens; refusals go through the
project's handler as `{"code", "message", "params"}` (+ `"fields"`)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from boss.idempotency import idempotent
from boss.permissions import RequiresPerm
from customers.api.serializers import (
    ClassOutput,
    CustomerOutput,
    CustomerSummaryOutput,
    IdentityInput,
    customer_output,
)
from customers.identity import identity_validate
from customers.models import Customer, CustomerClass, CustomerIdentity
from customers.selectors import customer_class_get, customer_get_for_actor, customer_search, identity_is_minor
from customers.services import (
    REVEALABLE_FIELDS,
    customer_class_revoke,
    customer_classify,
    customer_create,
    customer_update,
    identity_reveal,
)

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="A retry with the same key and body returns the first response; another body is 409.")


class MayClassify(BasePermission):
    """Either class permission; which class the actor may set is the service's check."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and (
            user.has_perm("customers.classify_customer") or user.has_perm("customers.blacklist_customer")))


class IdentityValidateApi(APIView):
    """`POST /api/v1/identity/validate`: check and normalise a document number (nothing is stored)."""

    permission_classes = [RequiresPerm("customers.view_customer")]

    class InputSerializer(serializers.Serializer):
        type = serializers.ChoiceField(choices=CustomerIdentity.DocType.choices)
        number = serializers.CharField(max_length=60, allow_blank=True, trim_whitespace=False)
        purpose = serializers.ChoiceField(choices=["registration", "lookup"], default="registration",
                                          help_text="lookup accepts a 15-digit legacy number and converts it")

    class OutputSerializer(serializers.Serializer):
        valid = serializers.BooleanField()
        type = serializers.CharField(source="doc_type")
        normalized = serializers.CharField(source="number")
        customer_kind = serializers.CharField()
        birth_date = serializers.DateField(allow_null=True)
        sex = serializers.CharField(allow_null=True)
        region = serializers.CharField()
        legacy_converted = serializers.BooleanField()
        minor = serializers.BooleanField(
            allow_null=True,
            help_text="under tariff identity.minor_age (a guardian must be present); null without a birth date")
        warnings = serializers.ListField(child=serializers.CharField())

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        info = identity_validate(data.validated_data["type"], data.validated_data["number"],
                                 for_registration=data.validated_data["purpose"] == "registration")
        return Response(self.OutputSerializer({**vars(info), "valid": True, "minor": identity_is_minor(info)}).data)


class CustomerCreateApi(APIView):
    """`POST /api/v1/customers`: register a customer with their identity document (C1-F3)."""

    permission_classes = [RequiresPerm("customers.add_customer")]

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=Customer.Kind.choices, required=False,
                                       help_text="derived from the document; when sent it must agree")
        name = serializers.CharField(max_length=100, allow_blank=True)
        identity = IdentityInput()
        contact_phone = serializers.CharField(max_length=30, allow_blank=True)
        contact_address = serializers.CharField(max_length=200, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={201: CustomerOutput}, parameters=[IDEMPOTENCY_HEADER])
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        kwargs = {"kind": v.get("kind"), "name": v["name"], "doc_type": v["identity"]["type"],
                  "number": v["identity"]["number"], "address": v["identity"]["address"],
                  "check_method": v["identity"]["check_method"], "contact_phone": v["contact_phone"],
                  "contact_address": v["contact_address"]}

        def run():
            customer = customer_create(actor=request.user, **kwargs)
            return status.HTTP_201_CREATED, customer_output(customer, actor=request.user, just_created=True)

        key = request.headers.get("Idempotency-Key")
        if key:
            result = idempotent(actor=request.user, key=key, scope="customers.create", params=kwargs, run=run)
            return Response(result.body, status=result.status_code)
        code, body = run()
        return Response(body, status=code)


class CustomerDetailApi(APIView):
    """`GET /api/v1/customers/{id}`: the customer with classes in force, lines and accounts (masked)."""

    permission_classes = [RequiresPerm("customers.view_customer")]

    @extend_schema(responses={200: CustomerOutput})
    def get(self, request, pk: int):
        return Response(customer_output(customer_get_for_actor(actor=request.user, pk=pk), actor=request.user))


class CustomerContactApi(APIView):
    """`POST /api/v1/customers/{id}/contact`: change the contact data (an omitted field is kept)."""

    permission_classes = [RequiresPerm("customers.change_customer")]

    class InputSerializer(serializers.Serializer):
        contact_phone = serializers.CharField(max_length=30, allow_blank=True, required=False)
        contact_address = serializers.CharField(max_length=200, allow_blank=True, required=False)

    @extend_schema(request=InputSerializer, responses={200: CustomerOutput})
    def post(self, request, pk: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        customer = customer_get_for_actor(actor=request.user, pk=pk)
        customer = customer_update(actor=request.user, customer=customer, **data.validated_data)
        return Response(customer_output(customer, actor=request.user))


class CustomerClassAddApi(APIView):
    """`POST /api/v1/customers/{id}/classes`: put the customer in a class (VIP with level, blacklist,
    redlist)."""

    permission_classes = [MayClassify]

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=CustomerClass.Kind.choices)
        vip_level = serializers.IntegerField(min_value=1, max_value=99, required=False, allow_null=True)
        reason = serializers.CharField(max_length=200, allow_blank=True)
        since = serializers.DateField(required=False, allow_null=True)
        until = serializers.DateField(required=False, allow_null=True)

    @extend_schema(request=InputSerializer, responses={201: ClassOutput})
    def post(self, request, pk: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        customer = customer_get_for_actor(actor=request.user, pk=pk)
        klass = customer_classify(actor=request.user, customer=customer, **data.validated_data)
        return Response(ClassOutput(klass).data, status=status.HTTP_201_CREATED)


class CustomerClassRevokeApi(APIView):
    """`POST /api/v1/customers/{id}/classes/{class_id}/revoke`: end a class now, with a reason."""

    permission_classes = [MayClassify]

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=200, allow_blank=True)

    @extend_schema(request=InputSerializer, responses={200: ClassOutput})
    def post(self, request, pk: int, class_pk: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        customer = customer_get_for_actor(actor=request.user, pk=pk)
        klass = customer_class_get(customer=customer, pk=class_pk)
        klass = customer_class_revoke(actor=request.user, customer_class=klass, reason=data.validated_data["reason"])
        return Response(ClassOutput(klass).data)


class CustomerRevealApi(APIView):
    """`POST /api/v1/customers/{id}/reveal`: one full personal value, with a reason (audited without the
    value; limited per hour)."""

    permission_classes = [RequiresPerm("customers.reveal_identity")]

    class InputSerializer(serializers.Serializer):
        field = serializers.ChoiceField(choices=list(REVEALABLE_FIELDS))
        reason = serializers.CharField(max_length=200, allow_blank=True)

    class OutputSerializer(serializers.Serializer):
        field = serializers.CharField()
        value = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer})
    def post(self, request, pk: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        customer = customer_get_for_actor(actor=request.user, pk=pk)
        value = identity_reveal(actor=request.user, customer=customer, **data.validated_data)
        response = Response(self.OutputSerializer({"field": data.validated_data["field"], "value": value}).data)
        response["Cache-Control"] = "no-store"
        return response


class CustomerSearchApi(APIView):
    """`POST /api/v1/customers/search`: by identity number (normalised, exact), name (prefix) or mobile
    number. POST, so that an identity number never travels in a URL."""

    permission_classes = [RequiresPerm("customers.view_customer")]

    class InputSerializer(serializers.Serializer):
        query = serializers.CharField(min_length=2, max_length=60)

    class OutputSerializer(serializers.Serializer):
        results = CustomerSummaryOutput(many=True)

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = customer_search(actor=request.user, query=data.validated_data["query"])
        return Response(self.OutputSerializer({"results": result.customers}, context={"actor": request.user}).data)

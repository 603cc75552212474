"""The API of counter orders and lines (../shared/spec/api.md, fixed endpoints): open account, order
payment, order status, line, fee collection; documents as PDF."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from billing.models import Document, PaymentMethod
from billing.selectors import account_money, payment_documents
from billing.services.documents import document_pdf, document_print
from boss.api.idempotency import api_idempotent, idempotency_parameter
from boss.api.schema import MONEY_FIELD
from boss.masking import mask, name_for
from boss.pdf import pdf_response
from boss.permissions import RequiresPerm
from catalog.models import PaymentMethod as OrderPaymentMethod
from customers.passwords import service_password_suggest
from customers.selectors import customer_get, line_feature_codes
from orders.models import Order
from orders.selectors import (
    document_get_for_actor,
    line_get_by_msisdn_for_actor,
    order_get_for_actor,
    order_get_to_pay,
    order_lines,
)
from orders.services.documents import AgentInput
from orders.services.fee_collection import line_fee_collect
from orders.services.open_account import (
    BankInput,
    order_cancel_draft,
    order_open_account_create,
    order_open_account_pay,
)


def document_output(request, document: Document) -> dict:
    return {"id": document.pk, "kind": document.kind, "number": document.display_number,
            "total": f"{document.total:.2f}",
            "pdf_url": request.build_absolute_uri(reverse("api_document_pdf", args=[document.pk]))}


class OrderLineOutput(serializers.Serializer):
    item = serializers.CharField()
    kind = serializers.CharField()
    amount = serializers.DecimalField(**MONEY_FIELD)


def _lines(order: Order) -> list:
    """The order's fee lines: as prefetched with it, else by their compiled read."""
    if "lines" in getattr(order, "_prefetched_objects_cache", {}):
        return list(order.lines.all())
    return order_lines(order_id=order.pk)


def order_output(request, order: Order) -> dict:
    work_orders = [{"id": wo.pk, "key": wo.key, "action": wo.action, "state": wo.state, "attempts": wo.attempts}
                   for wo in order.work_orders] if hasattr(order, "work_orders") else []
    body = {
        "order_id": order.pk, "number": order.number, "type": order.kind, "state": order.state,
        "amount_due": f"{order.amount_due:.2f}", "msisdn": order.msisdn,
        "lines": [{"item": line.item, "kind": line.kind, "amount": f"{line.amount:.2f}"} for line in _lines(order)],
        "work_orders": work_orders,
        "subscription": ({"msisdn": order.line.msisdn, "state": order.line.status} if order.line_id else None),
    }
    documents = getattr(order, "documents", None)
    if documents is None:
        documents = payment_documents(payment_id=order.payment_id) if order.payment_id else []
    if documents or order.payment_id:
        body["documents"] = [document_output(request, d) for d in documents]
    return body


class OrderOutput(serializers.Serializer):
    order_id = serializers.IntegerField()
    number = serializers.CharField()
    type = serializers.CharField()
    state = serializers.CharField()
    amount_due = serializers.DecimalField(**MONEY_FIELD)
    msisdn = serializers.CharField()
    lines = OrderLineOutput(many=True)
    work_orders = serializers.ListField(child=serializers.DictField())
    subscription = serializers.DictField(allow_null=True)


class OpenAccountApi(APIView):
    """`POST /api/v1/orders/open-account`: the pre-input of an opening; nothing is committed before payment.

    Without `service_password` one is suggested, stored hashed, and returned once in this response: a replay
    of the same Idempotency-Key leaves it out (`secrets_already_shown`), the idempotency table never holds it."""

    permission_classes = [RequiresPerm("orders.open_account")]

    class AgentSerializer(serializers.Serializer):
        doc_type = serializers.CharField(max_length=20)
        number = serializers.CharField(max_length=40)
        name = serializers.CharField(max_length=100)
        address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    class BankSerializer(serializers.Serializer):
        bank_code = serializers.CharField(max_length=20)
        account_number = serializers.CharField(max_length=40)
        account_holder = serializers.CharField(max_length=100)
        holder_doc_type = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
        holder_doc_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
        confirmed_by = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")

    class InputSerializer(serializers.Serializer):
        customer_id = serializers.IntegerField(min_value=1)
        msisdn = serializers.CharField(max_length=20)
        product_code = serializers.CharField(max_length=30)
        sim_capacity = serializers.CharField(max_length=10)
        payment_method = serializers.ChoiceField(choices=OrderPaymentMethod.values, default="cash")
        bank = serializers.DictField(required=False)
        agent = serializers.DictField(required=False)
        documents_checked = serializers.ListField(child=serializers.ChoiceField(choices=Order.Document.values),
                                                  max_length=20)
        features = serializers.ListField(child=serializers.CharField(max_length=30), required=False, default=list,
                                         max_length=20)
        service_password = serializers.CharField(max_length=6, required=False, allow_blank=True, default="")
        iccid = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")

        def validate_bank(self, value):
            data = OpenAccountApi.BankSerializer(data=value)
            data.is_valid(raise_exception=True)
            return BankInput(**data.validated_data)

        def validate_agent(self, value):
            data = OpenAccountApi.AgentSerializer(data=value)
            data.is_valid(raise_exception=True)
            return AgentInput(**data.validated_data)

    class OutputSerializer(OrderOutput):
        initial_service_password = serializers.CharField(
            required=False, help_text="The generated service password, in the first response only.")
        secrets_already_shown = serializers.ListField(
            child=serializers.CharField(), required=False,
            help_text="On a replay: the secret fields the first response showed once and that are never repeated "
                      "(the stored response holds no secret).")

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer}, parameters=[
        idempotency_parameter(required=False)])
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        customer = customer_get(pk=v.pop("customer_id"), actor=request.user)
        generated = ""
        if not v["service_password"]:
            generated = v["service_password"] = service_password_suggest(identity_number=customer.identity.number)
        params = {**request.data, "customer_id": customer.pk}

        def run():
            order = order_open_account_create(actor=request.user, customer=customer, **v)
            body = order_output(request, order)
            if generated:
                body["initial_service_password"] = generated
            return status.HTTP_201_CREATED, body

        params.pop("service_password", None)
        return api_idempotent(request, scope="orders.open_account", params=params, run=run, required=False)


class OrderDetailApi(APIView):
    """`GET /api/v1/orders/{id}`: the order, its fee lines, its work orders and the line it opened."""

    permission_classes = [RequiresPerm("orders.view_order")]

    @extend_schema(responses={200: OrderOutput})
    def get(self, request, pk: int):
        return Response(order_output(request, order_get_for_actor(actor=request.user, pk=pk)))


class OrderPaymentApi(APIView):
    """`POST /api/v1/orders/{id}/payment`: take the money and commit the order (needs an Idempotency-Key)."""

    permission_classes = [RequiresPerm("orders.open_account")]

    class InputSerializer(serializers.Serializer):
        method = serializers.ChoiceField(choices=[PaymentMethod.CASH, PaymentMethod.BANK_CARD])
        tendered = serializers.DecimalField(**MONEY_FIELD, required=False, min_value=0)
        agreement_signed = serializers.BooleanField(default=True)

    class OutputSerializer(serializers.Serializer):
        order_id = serializers.IntegerField()
        state = serializers.CharField()
        paid = serializers.DecimalField(**MONEY_FIELD)
        change = serializers.DecimalField(**MONEY_FIELD, allow_null=True)
        documents = serializers.ListField(child=serializers.DictField())

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer},
                   parameters=[idempotency_parameter(required=True)])
    def post(self, request, pk: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = order_get_to_pay(actor=request.user, pk=pk)

        def run():
            paid = order_open_account_pay(actor=request.user, order=order, **data.validated_data)
            payment = paid.payment
            return status.HTTP_200_OK, {
                "order_id": paid.pk, "state": paid.state,
                "paid": f"{payment.amount:.2f}" if payment else "0.00",
                "change": f"{payment.change:.2f}" if payment and payment.change is not None else None,
                "documents": [document_output(request, d) for d in payment_documents(payment_id=payment.pk)]
                if payment else []}

        return api_idempotent(request, scope="orders.payment", params={"order": pk, **request.data}, run=run)


class OrderCancelApi(APIView):
    """`POST /api/v1/orders/{id}/cancel`: abandon an unpaid order (its number's reservation is released)."""

    permission_classes = [RequiresPerm("orders.open_account")]

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=200)

    @extend_schema(request=InputSerializer, responses={200: OrderOutput})
    def post(self, request, pk: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = order_cancel_draft(actor=request.user, order=order_get_for_actor(actor=request.user, pk=pk),
                                   **data.validated_data)
        return Response(order_output(request, order))


def line_output(line, *, actor) -> dict:
    money = account_money(line.account)
    customer = line.customer
    return {
        "msisdn": line.msisdn, "state": line.status,
        "owner": {"id": customer.pk, "name": name_for(actor, customer.name), "kind": customer.kind,
                  "identity": mask(customer.identity.number)},
        "product": {"code": line.plan.code, "name": line.plan.name},
        "features": line_feature_codes(line),
        "balance": f"{money.balance:.2f}", "arrears": f"{money.arrears:.2f}", "deposit": f"{money.deposit:.2f}",
        "payment_method": line.account.payment_method,
    }


class LineOutput(serializers.Serializer):
    msisdn = serializers.CharField()
    state = serializers.CharField()
    owner = serializers.DictField()
    product = serializers.DictField()
    features = serializers.ListField(child=serializers.CharField())
    balance = serializers.DecimalField(**MONEY_FIELD)
    arrears = serializers.DecimalField(**MONEY_FIELD)
    deposit = serializers.DecimalField(**MONEY_FIELD)
    payment_method = serializers.CharField()


class LineDetailApi(APIView):
    """`GET /api/v1/lines/{msisdn}`: the line, its owner (masked), product, features, balance, arrears."""

    permission_classes = [RequiresPerm("customers.view_customer")]

    @extend_schema(responses={200: LineOutput})
    def get(self, request, msisdn: str):
        line = line_get_by_msisdn_for_actor(actor=request.user, msisdn=msisdn,
                                            related=("customer__identity", "account", "plan"))
        return Response(line_output(line, actor=request.user))


class LinePaymentApi(APIView):
    """`POST /api/v1/lines/{msisdn}/payments`: fee collection (needs an Idempotency-Key)."""

    permission_classes = [RequiresPerm("orders.collect_fee")]

    class CardSerializer(serializers.Serializer):
        serial = serializers.CharField(max_length=20)
        pin = serializers.CharField(max_length=30)

    class InputSerializer(serializers.Serializer):
        amount = serializers.DecimalField(**MONEY_FIELD, required=False, min_value=0)
        method = serializers.ChoiceField(choices=[PaymentMethod.CASH, PaymentMethod.BANK_CARD,
                                                  PaymentMethod.RECHARGE_CARD])
        tendered = serializers.DecimalField(**MONEY_FIELD, required=False, min_value=0)
        recharge_card = serializers.DictField(required=False)

        def validate(self, attrs):
            card = attrs.pop("recharge_card", None)
            if attrs["method"] == PaymentMethod.RECHARGE_CARD:
                data = LinePaymentApi.CardSerializer(data=card or {})
                data.is_valid(raise_exception=True)
                attrs["recharge_serial"] = data.validated_data["serial"]
                attrs["recharge_pin"] = data.validated_data["pin"]
            elif "amount" not in attrs:
                raise serializers.ValidationError({"amount": [serializers.Field.default_error_messages["required"]]})
            return attrs

    class OutputSerializer(serializers.Serializer):
        payment_id = serializers.IntegerField()
        amount = serializers.DecimalField(**MONEY_FIELD)
        applied = serializers.DecimalField(**MONEY_FIELD)
        prepaid = serializers.DecimalField(**MONEY_FIELD)
        change = serializers.DecimalField(**MONEY_FIELD, allow_null=True)
        documents = serializers.ListField(child=serializers.DictField())

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer},
                   parameters=[idempotency_parameter(required=True)])
    def post(self, request, msisdn: str):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = line_get_by_msisdn_for_actor(actor=request.user, msisdn=msisdn, related=())  # re-read locked
        # The PIN never goes into the stored request fingerprint in clear: only the serial does.
        params = {"msisdn": line.msisdn, **{k: str(v) for k, v in data.validated_data.items() if k != "recharge_pin"}}

        def run():
            result = line_fee_collect(actor=request.user, line=line, **data.validated_data)
            payment = result.payment
            return status.HTTP_201_CREATED, {
                "payment_id": payment.pk, "amount": f"{payment.amount:.2f}",
                "applied": f"{result.applied_to_arrears:.2f}", "prepaid": f"{result.prepaid:.2f}",
                "change": f"{payment.change:.2f}" if payment.change is not None else None,
                "documents": [document_output(request, d) for d in result.documents]}

        return api_idempotent(request, scope="lines.payment", params=params, run=run)


class DocumentPdfApi(APIView):
    """`GET /api/v1/documents/{id}/pdf`: the receipt or invoice; every print after the first says 补打."""

    permission_classes = [RequiresPerm("orders.view_order")]

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request, pk: int):
        document = document_get_for_actor(actor=request.user, pk=pk)
        printed = document_print(actor=request.user, document=document)
        return pdf_response(document_pdf(document=document, copy=printed.copy), f"{document.display_number}.pdf")

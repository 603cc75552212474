"""The API of the processes on a line: `POST /api/v1/lines/{msisdn}/<process>`, one APIView per operation,
each calling the same service as the counter screen (through orders.line_processes). Processes that move
money or take a resource need an Idempotency-Key; the others accept one. And the queries:
`GET /api/v1/lines/{msisdn}/services` (what the state allows) and `GET /api/v1/lines/{msisdn}/portability`.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from billing.models import Document
from billing.services.documents import document_pdf
from boss.api.idempotency import api_idempotent, idempotency_parameter
from boss.api.schema import MONEY_FIELD
from boss.pdf import pdf_response
from boss.permissions import RequiresPerm
from catalog.models import PaymentMethod, SimCapacity
from inventory.models import Operator
from orders.api.orders import OrderOutput, order_output
from orders.errors import DocumentNotFoundError
from orders.line_processes import BY_SLUG, PROCESSES
from orders.models import Order, RetentionAttempt
from orders.selectors import line_get_by_msisdn_for_actor, order_get_for_actor
from orders.services.lifecycle import services_allowed
from orders.services.line_services import line_invoice_reprint
from orders.services.portability import line_portability


def one_of(values, **kwargs) -> serializers.CharField:
    """A choice as a plain string in the schema (no enum whose name would collide with other apps')."""
    values = [str(v) for v in values]

    def check(value):
        if value not in values:
            raise serializers.ValidationError(f"one of: {', '.join(values)}")

    return serializers.CharField(max_length=30, validators=[check], help_text=f"one of: {', '.join(values)}",
                                 **kwargs)


class AgentInput(serializers.Serializer):
    doc_type = serializers.CharField(max_length=20)
    number = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=100)


def _flatten_agent(attrs: dict, key: str, prefix: str) -> None:
    agent = attrs.pop(key, None)
    if agent:
        data = AgentInput(data=agent)
        data.is_valid(raise_exception=True)
        attrs.update({f"{prefix}_doc_type": data.validated_data["doc_type"],
                      f"{prefix}_number": data.validated_data["number"], f"{prefix}_name": data.validated_data["name"]})


class ChangeInput(serializers.Serializer):
    """Documents checked, the agent when one acts, the signed agreement (免填单)."""

    documents_checked = serializers.ListField(child=serializers.ChoiceField(choices=Order.Document.values),
                                              max_length=20, required=False, default=list)
    agent = serializers.DictField(required=False)
    agreement_signed = serializers.BooleanField(default=False)

    def validate(self, attrs):
        _flatten_agent(attrs, "agent", "agent")
        return attrs


class MoneyInput(ChangeInput):
    method = one_of(["cash", "bank_card"], default="cash")
    tendered = serializers.DecimalField(**MONEY_FIELD, required=False, min_value=0)


class LineProcessApi(APIView):
    """Shared shape: validate, find the line (any hall), run the process once per Idempotency-Key, answer
    with the order (201)."""

    slug = ""
    InputSerializer = ChangeInput

    def get_permissions(self):
        return [RequiresPerm(BY_SLUG[self.slug].perm)()]

    def post(self, request, msisdn: str):
        process = BY_SLUG[self.slug]
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        line = line_get_by_msisdn_for_actor(actor=request.user, msisdn=msisdn)
        params = {"msisdn": line.msisdn, **{k: v for k, v in request.data.items() if "password" not in k}}

        def run():
            order = process.run(actor=request.user, line=line, data=values, request=request)
            return status.HTTP_201_CREATED, order_output(request, order_get_for_actor(actor=request.user, pk=order.pk))

        return api_idempotent(request, scope=f"lines.{process.kind}", params=params, run=run, required=process.money)


def _api(slug: str, input_serializer, doc: str):
    """One APIView class per operation (named after it in the schema)."""
    name = "Line" + "".join(part.capitalize() for part in slug.split("-")) + "Api"
    process = BY_SLUG[slug]
    def post(self, request, msisdn: str):
        return LineProcessApi.post(self, request, msisdn)

    post = extend_schema(request=input_serializer, responses={201: OrderOutput},
                         parameters=[idempotency_parameter(required=process.money)],
                         operation_id=f"line_{slug.replace('-', '_')}")(post)
    return type(name, (LineProcessApi,), {"slug": slug, "InputSerializer": input_serializer, "__doc__": doc,
                                          "post": post})


class PrecancelInput(MoneyInput):
    retention_reason = serializers.ChoiceField(choices=RetentionAttempt.Reason.values)
    reason_detail = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    retention_offer = serializers.CharField(max_length=200)
    other_brands = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    retention_accepted = serializers.BooleanField(default=False)


class PortOutInput(MoneyInput):
    operator = serializers.ChoiceField(choices=[v for v in Operator.values if v != Operator.CMCC])


class FeaturesInput(MoneyInput):
    add = serializers.ListField(child=serializers.CharField(max_length=30), required=False, default=list,
                                max_length=20)
    remove = serializers.ListField(child=serializers.CharField(max_length=30), required=False, default=list,
                                   max_length=20)
    forward_to = serializers.CharField(max_length=20, required=False, allow_blank=True, default="",
                                       help_text="call forwarding: the number calls go to")
    forward_when = serializers.CharField(max_length=20, required=False, allow_blank=True, default="",
                                         help_text="call forwarding: always | busy | no_answer | unreachable")


class DiscountsInput(ChangeInput):
    add = serializers.ListField(child=serializers.CharField(max_length=40), required=False, default=list,
                                max_length=20)
    remove = serializers.ListField(child=serializers.CharField(max_length=40), required=False, default=list,
                                   max_length=20)


class LongDistanceInput(ChangeInput):
    level = serializers.ChoiceField(choices=[0, 1, 2])


class RoamingInput(MoneyInput):
    guarantee_signed = serializers.BooleanField(default=False)


class SimInput(MoneyInput):
    sim_capacity = serializers.ChoiceField(choices=SimCapacity.values)
    iccid = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class NumberInput(MoneyInput):
    new_msisdn = serializers.RegexField(regex=r"^1\d{10}$")


class CustomerDataInput(ChangeInput):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    contact_address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    service_password = serializers.CharField(max_length=6, required=False, allow_blank=True)


class PaymentMethodInput(ChangeInput):
    payment_method = one_of(PaymentMethod.values)
    bank_code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    bank_account_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    bank_account_holder = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    bank_holder_doc_type = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    bank_holder_doc_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    bank_confirmed_by = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class HandsetInput(MoneyInput):
    imei = serializers.CharField(max_length=15)


class FeeRecoveryInput(serializers.Serializer):
    method = one_of(["cash", "bank_card"], default="cash")
    tendered = serializers.DecimalField(**MONEY_FIELD, required=False, min_value=0)


class TransferInput(MoneyInput):
    new_customer = serializers.IntegerField(min_value=1)
    new_documents_checked = serializers.ListField(child=one_of(Order.Document.values), max_length=20,
                                                  required=False, default=list)
    new_agent = serializers.DictField(required=False)
    service_password = serializers.CharField(max_length=6)
    prepayment = serializers.DecimalField(**MONEY_FIELD, required=False, min_value=0)
    corporate = serializers.BooleanField(default=False)
    bank_code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    bank_account_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    bank_account_holder = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    bank_confirmed_by = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    override_username = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    override_password = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")
    override_reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        _flatten_agent(attrs, "new_agent", "new_agent")
        return attrs


class PlanChangeInput(MoneyInput):
    plan = serializers.CharField(max_length=30, help_text="the new main plan's code")
    immediate = serializers.BooleanField(default=False, help_text="at once, prorated (where the tariff allows)")


class AccountMoveInput(ChangeInput):
    account = serializers.IntegerField(min_value=1, required=False, help_text="another account of the owner")
    new_account = serializers.BooleanField(default=False, help_text="a new cash account instead")


class SecondaryInput(ChangeInput):
    secondary = serializers.RegexField(regex=r"^1\d{10}$", help_text="the secondary card's mobile number")


INPUTS = {
    "report-loss": ChangeInput, "unlock": ChangeInput, "suspension": ChangeInput, "resumption": ChangeInput,
    "features": FeaturesInput, "long-distance": LongDistanceInput, "roaming": RoamingInput,
    "roaming-close": ChangeInput, "sim": SimInput, "number": NumberInput, "customer-data": CustomerDataInput,
    "payment-method": PaymentMethodInput, "discounts": DiscountsInput, "handset": HandsetInput,
    "precancel": PrecancelInput, "reopen": ChangeInput, "cancel": MoneyInput, "cancel-fee-recovery": FeeRecoveryInput,
    "port-out": PortOutInput, "transfer": TransferInput, "plan-change": PlanChangeInput,
    "plan-change-cancel": ChangeInput, "account": AccountMoveInput, "secondary-add": SecondaryInput,
    "secondary-remove": SecondaryInput,
}
APIS = {p.slug: _api(p.slug, INPUTS[p.slug], f"`POST /api/v1/lines/{{msisdn}}/{p.slug}`: {p.label}.")
        for p in PROCESSES}


class LineServicesApi(APIView):
    """`GET /api/v1/lines/{msisdn}/services`: the processes the line's state allows (and the caller may do)."""

    permission_classes = [RequiresPerm("orders.serve_line")]

    class OutputSerializer(serializers.Serializer):
        msisdn = serializers.CharField()
        state = serializers.CharField()
        services = serializers.ListField(child=serializers.DictField())

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request, msisdn: str):
        line = line_get_by_msisdn_for_actor(actor=request.user, msisdn=msisdn)
        allowed = set(services_allowed(line))
        services = [{"process": p.slug, "kind": p.kind, "label": str(p.label),
                     "url": request.build_absolute_uri(reverse(f"api_line_{p.slug.replace('-', '_')}",
                                                               args=[line.msisdn]))}
                    for p in PROCESSES if p.kind in allowed and request.user.has_perm(p.perm)]
        return Response({"msisdn": line.msisdn, "state": line.status, "services": services})


class LinePortabilityApi(APIView):
    """`GET /api/v1/lines/{msisdn}/portability`: the five conditions of A6, each met or explained."""

    permission_classes = [RequiresPerm("orders.serve_line")]

    class OutputSerializer(serializers.Serializer):
        msisdn = serializers.CharField()
        eligible = serializers.BooleanField()
        conditions = serializers.ListField(child=serializers.DictField(), help_text="code, label, met, explanation")

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request, msisdn: str):
        line = line_get_by_msisdn_for_actor(actor=request.user, msisdn=msisdn)
        check = line_portability(line=line)
        return Response({"msisdn": line.msisdn, "eligible": check.eligible, "conditions": [
            {"code": c.code, "label": str(c.label), "met": c.met, "explanation": str(c.explanation)}
            for c in check.conditions]})


class LineInvoiceReprintApi(APIView):
    """`POST /api/v1/lines/{msisdn}/invoice-reprint`: reprint a document of the line's customer (补打): the
    print is recorded as a copy and audited, and the answer is the PDF, which says 补打."""

    permission_classes = [RequiresPerm("orders.serve_line")]

    class InputSerializer(serializers.Serializer):
        document_id = serializers.IntegerField(min_value=1)
        reason = serializers.CharField(max_length=200)

    @extend_schema(request=InputSerializer, responses={(200, "application/pdf"): bytes})
    def post(self, request, msisdn: str):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = line_get_by_msisdn_for_actor(actor=request.user, msisdn=msisdn)
        document = Document.objects.filter(pk=data.validated_data["document_id"]).first()
        if document is None:
            raise DocumentNotFoundError(document=data.validated_data["document_id"])
        _order, printed = line_invoice_reprint(actor=request.user, line=line, document=document,
                                               reason=data.validated_data["reason"])
        return pdf_response(document_pdf(document=document, copy=printed.copy), f"{document.display_number}.pdf")

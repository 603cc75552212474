"""The portal's API for a future mobile app: the same two-step sign-in as the screens, then the customer's own
lines, bills and payments, each looked up through the token's customer (another customer's id is a 404)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from boss.api.schema import MONEY_FIELD, error_responses
from portal import selectors
from portal.api.auth import CustomerTokenAuthentication, IsCustomer
from portal.services import signin, tokens


def _ip(request):
    return request.META.get("REMOTE_ADDR") or None


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

    @extend_schema(responses={200: PortalLineOutput(many=True)})
    def get(self, request):
        return Response(PortalLineOutput(selectors.customer_overview(request.auth.customer), many=True).data)


class BillsApi(APIView):
    """`GET /api/v1/portal/lines/{id}/bills`: the line's bills, newest first (another customer's line: 404)."""

    authentication_classes = [CustomerTokenAuthentication]
    permission_classes = [IsCustomer]

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

    class OutputSerializer(serializers.Serializer):
        created_at = serializers.DateTimeField()
        method = serializers.CharField()
        amount = serializers.DecimalField(**MONEY_FIELD)

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request, line_id: int):
        line = selectors.customer_line(request.auth.customer, line_id)
        return Response(self.OutputSerializer(selectors.line_payments(line), many=True).data)

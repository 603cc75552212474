"""The device API (api.md style) for hardware ticket machines and hall displays that do not show our web pages:
the device says who it is, a ticket machine takes tickets (Idempotency-Key: a repeat returns the same ticket)
and follows one, a display reads its board. Authenticated by the device's secret only (`hall.api.auth`); each
view calls the same service or selector as the device pages."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from boss.api.idempotency import idempotency_parameter
from boss.api.schema import error_responses
from boss.tariffs import tariff
from hall.api.auth import AnyDevice, DeviceAuthentication, DeviceThrottle, IsDevice
from hall.models import PREFIX, Business, HallDevice, Ticket
from hall.selectors import announcements_for_customers, display_board
from hall.services.tickets import ticket_people_ahead, ticket_take_request


class DeviceApiView(APIView):
    authentication_classes = [DeviceAuthentication]
    throttle_classes = [DeviceThrottle]
    permission_classes = [AnyDevice]


class BusinessOutput(serializers.Serializer):
    code = serializers.CharField()
    letter = serializers.CharField()
    label = serializers.CharField()


class DeviceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    name = serializers.CharField()
    hall_code = serializers.CharField()
    hall_name = serializers.CharField()
    now = serializers.DateTimeField()
    businesses = BusinessOutput(many=True, help_text="What a ticket machine offers (empty for a display).")


class DeviceApi(DeviceApiView):
    """`GET /api/v1/hall/device`: the calling device, its hall and the server's time; for a ticket machine the
    businesses to offer, in order, with their labels (nothing preselected)."""

    @extend_schema(responses={200: DeviceOutput, **error_responses(401, 403, 429)})
    def get(self, request):
        device: HallDevice = request.auth
        businesses = ([{"code": value, "letter": PREFIX[Business(value)], "label": str(label)}
                       for value, label in Business.choices]
                      if device.kind == HallDevice.Kind.TICKET_MACHINE else [])
        return Response(DeviceOutput({
            "id": device.pk, "kind": device.kind, "kind_label": str(device.get_kind_display()), "name": device.name,
            "hall_code": device.hall.code, "hall_name": device.hall.name, "now": timezone.localtime(),
            "businesses": businesses}).data)


class TicketOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    business = serializers.CharField()
    business_label = serializers.CharField(source="get_business_display")
    big_customer = serializers.BooleanField(help_text="The typed number is a big customer's: served first.")
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    people_ahead = serializers.IntegerField()
    window = serializers.CharField(help_text="The counter window that called it (empty while waiting).")
    taken_at = serializers.DateTimeField()
    hall_name = serializers.CharField(source="hall.name")


def _ticket_out(ticket: Ticket) -> dict:
    ticket.big_customer = ticket.vip_level > 0
    ticket.people_ahead = ticket_people_ahead(ticket)
    return dict(TicketOutput(ticket).data)


class BusinessField(serializers.CharField):
    """counter, payment, complaint or vip. A plain string in the schema: a choice field named "business" would
    clash in the schema's enum names with the catalogue's business types."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value not in Business.values:
            raise serializers.ValidationError(_("Choose counter, payment, complaint or vip."))
        return value


class TicketTakeApi(DeviceApiView):
    """`POST /api/v1/hall/device/tickets` (ticket machine; Idempotency-Key recommended): take a ticket for a
    business, optionally with the customer's mobile number (it only recognises a big customer and is not kept).
    201 with the ticket to print; the same Idempotency-Key again returns the same ticket (200) instead of a
    second number; the same key for another business is 409 idempotency_key_reused. 409 vip_not_recognised:
    the big-customer business needs a recognised big customer's number."""

    permission_classes = [IsDevice(HallDevice.Kind.TICKET_MACHINE)]

    class InputSerializer(serializers.Serializer):
        business = BusinessField(max_length=20, help_text="counter, payment, complaint or vip")
        msisdn = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={201: TicketOutput, 200: TicketOutput,
                                                       **error_responses(400, 401, 403, 409, 429)},
                   parameters=[idempotency_parameter(required=False)])
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        key = request.headers.get("Idempotency-Key", "")
        ticket, repeated = ticket_take_request(device=request.auth, business=v["business"], msisdn=v["msisdn"],
                                               request_key=key)
        response = Response(_ticket_out(ticket), status=status.HTTP_200_OK if repeated else status.HTTP_201_CREATED)
        if repeated:
            response["Idempotent-Replayed"] = "true"
        return response


class TicketDetailApi(DeviceApiView):
    """`GET /api/v1/hall/device/tickets/{id}`: one of today's tickets of the machine's hall (state, people
    ahead, the window that called it)."""

    permission_classes = [IsDevice(HallDevice.Kind.TICKET_MACHINE)]

    @extend_schema(responses={200: TicketOutput, **error_responses(401, 403, 404, 429)})
    def get(self, request, pk: int):
        device: HallDevice = request.auth
        ticket = get_object_or_404(Ticket.objects.select_related("hall"), pk=pk, hall_id=device.hall_id,
                                   day=timezone.localdate())
        return Response(_ticket_out(ticket))


class CalledOutput(serializers.Serializer):
    number = serializers.CharField()
    window = serializers.CharField()
    business_label = serializers.CharField(source="get_business_display")
    announced_at = serializers.DateTimeField(allow_null=True, help_text="Last called or recalled: show it again "
                                                                         "(and chime) when it changes.")


class AnnouncementOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    title = serializers.CharField()
    body = serializers.CharField()
    valid_until = serializers.DateTimeField()


class BoardOutput(serializers.Serializer):
    now = serializers.DateTimeField()
    waiting = serializers.IntegerField()
    called = CalledOutput(many=True)
    announcements = AnnouncementOutput(many=True)
    refresh_seconds = serializers.IntegerField()


class BoardApi(DeviceApiView):
    """`GET /api/v1/hall/device/board` (display): the tickets being served with their window (last called
    first), how many wait, and the announcements in force for customers; poll it every `refresh_seconds`."""

    permission_classes = [IsDevice(HallDevice.Kind.DISPLAY)]

    @extend_schema(responses={200: BoardOutput, **error_responses(401, 403, 429)})
    def get(self, request):
        device: HallDevice = request.auth
        board = display_board(hall=device.hall, rows=tariff("queue.display_rows"))
        return Response(BoardOutput({
            "now": timezone.localtime(), "waiting": board["waiting"], "called": board["called"],
            "announcements": announcements_for_customers(hall=device.hall), "refresh_seconds": 3}).data)

"""The group business API (api.md style): register an organization as a group customer; a VPMN application
from the designated counter to open (call-out, the store manager's signature with their own password, the
big-customer room's group number and import, the opening of the discounts); a group SMS pre-acceptance to open
(hand-over, the room's receipt, the data-business room's platform account with its password shown on that one
answer, the opening notice, the phone confirmation). Each view calls the same service as the screens, with the
same permissions and hall scoping; mobile numbers are masked in every answer."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from boss.api.idempotency import api_idempotent, idempotency_parameter
from boss.api.schema import error_responses
from boss.errors import DomainError, InvalidInputError
from boss.masking import mask_msisdn
from boss.permissions import RequiresPerm, approver_authenticate, get_for_actor
from customers.selectors import customer_get_for_actor
from groups.memberlist import MemberRow
from groups.models import GroupCustomer, GroupSmsApplication, VpmnApplication
from groups.selectors import group_sms_applications_for_actor, groups_for_actor, vpmn_applications_for_actor
from groups.services import (
    group_customer_register,
    group_sms_application_create,
    group_sms_hand_over,
    group_sms_notice_send,
    group_sms_phone_confirm,
    group_sms_platform_build,
    group_sms_receive,
    vpmn_application_create,
    vpmn_application_sign,
    vpmn_callout_record,
    vpmn_discounts_open,
    vpmn_group_issue,
)


class OneOfField(serializers.CharField):
    """A code out of a fixed set, as a plain string in the schema (a choice field named "kind" or "level" would
    clash in the schema's enum names with other APIs' fields of that name)."""

    def __init__(self, *, values, **kwargs):
        self.values = list(values)
        kwargs.setdefault("help_text", " | ".join(self.values))
        super().__init__(max_length=30, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value not in self.values:
            raise serializers.ValidationError(_("Choose one of: %(values)s.") % {"values": ", ".join(self.values)})
        return value


# --------------------------------------------------------------------------------------------------
# Outputs
# --------------------------------------------------------------------------------------------------


class GroupOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    customer_id = serializers.IntegerField()
    name = serializers.CharField(source="customer.name")
    group_number = serializers.CharField(allow_null=True)
    level = serializers.CharField()
    level_label = serializers.CharField(source="get_level_display")
    key_contact_name = serializers.CharField()
    key_contact_phone = serializers.SerializerMethodField()
    hall_id = serializers.IntegerField()

    def get_key_contact_phone(self, group) -> str:
        return mask_msisdn(group.key_contact_phone)


class CandidateOutput(serializers.Serializer):
    msisdn = serializers.SerializerMethodField()
    owner_consent = serializers.BooleanField()
    callout = serializers.CharField()
    callout_label = serializers.CharField(source="get_callout_display")
    called_at = serializers.DateTimeField(allow_null=True)

    def get_msisdn(self, candidate) -> str:
        return mask_msisdn(candidate.msisdn)


class VpmnOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    group_id = serializers.IntegerField()
    group_number = serializers.CharField(source="group.group_number", allow_null=True)
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    documents_checked = serializers.ListField(child=serializers.CharField())
    candidates = CandidateOutput(many=True, source="candidates.all")
    signed_at = serializers.DateTimeField(allow_null=True)
    issued_at = serializers.DateTimeField(allow_null=True)
    opened_at = serializers.DateTimeField(allow_null=True)
    agreement_pdf_url = serializers.SerializerMethodField()

    def get_agreement_pdf_url(self, application) -> str:
        from django.urls import reverse

        return reverse("groups:vpmn_agreement_pdf", args=[application.pk])


class GroupSmsOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    group_id = serializers.IntegerField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    purpose = serializers.CharField()
    documents_checked = serializers.ListField(child=serializers.CharField())
    letter_seal_checked = serializers.BooleanField()
    cluster_network = serializers.BooleanField()
    members = serializers.SerializerMethodField()
    handover_overdue = serializers.SerializerMethodField()
    platform_account = serializers.CharField(allow_null=True)
    registered_mail_number = serializers.CharField()
    confirmed_at = serializers.DateTimeField(allow_null=True)

    def get_members(self, application) -> list[str]:
        return [mask_msisdn(m.msisdn) for m in application.members.all()]

    def get_handover_overdue(self, application) -> bool:
        return application.handover_overdue_at is not None


def _vpmn(application: VpmnApplication) -> dict:
    return dict(VpmnOutput(VpmnApplication.objects.select_related("group").prefetch_related("candidates")
                           .get(pk=application.pk)).data)


def _sms(application: GroupSmsApplication) -> dict:
    return dict(GroupSmsOutput(GroupSmsApplication.objects.prefetch_related("members").get(pk=application.pk)).data)


# --------------------------------------------------------------------------------------------------
# Group customers
# --------------------------------------------------------------------------------------------------


class GroupCreateApi(APIView):
    """`POST /api/v1/groups`: register an organization customer as a group customer (the group number comes
    later from the big-customer room). Registering it again returns the group (200)."""

    permission_classes = [RequiresPerm("groups.add_groupcustomer")]

    class InputSerializer(serializers.Serializer):
        customer_id = serializers.IntegerField()
        key_contact_name = serializers.CharField(max_length=100)
        key_contact_phone = serializers.CharField(max_length=20)
        level = OneOfField(values=GroupCustomer.Level.values, required=False, default=GroupCustomer.Level.C)

    @extend_schema(request=InputSerializer, responses={201: GroupOutput, 200: GroupOutput,
                                                       **error_responses(400, 404)})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        customer = customer_get_for_actor(actor=request.user, pk=v.pop("customer_id"))
        existed = GroupCustomer.objects.filter(customer=customer).exists()
        group = group_customer_register(actor=request.user, customer=customer, **v)
        return Response(GroupOutput(group).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


class GroupDetailApi(APIView):
    """`GET /api/v1/groups/{id}`: the group customer."""

    permission_classes = [RequiresPerm("groups.view_vpmnapplication")]

    @extend_schema(responses={200: GroupOutput, **error_responses(404)})
    def get(self, request, pk: int):
        return Response(GroupOutput(get_for_actor(groups_for_actor(actor=request.user), request.user, pk=pk)).data)


# --------------------------------------------------------------------------------------------------
# VPMN
# --------------------------------------------------------------------------------------------------


class MemberInput(serializers.Serializer):
    msisdn = serializers.CharField(max_length=20)
    owner_consent = serializers.BooleanField(default=False)


class VpmnCreateApi(APIView):
    """`POST /api/v1/groups/{id}/vpmn-applications` (designated counter; Idempotency-Key): a new VPMN or a
    member addition with its documents and member list. 400 vpmn_member_list names every refused row
    (`params.rows`: row, msisdn, reason) and nothing is written."""

    permission_classes = [RequiresPerm("groups.accept_vpmn")]

    class InputSerializer(serializers.Serializer):
        kind = OneOfField(values=VpmnApplication.Kind.values)
        agent = serializers.BooleanField(default=False)
        documents_checked = serializers.ListField(child=serializers.CharField(max_length=30), max_length=10)
        members = MemberInput(many=True, min_length=1, max_length=500)

    @extend_schema(request=InputSerializer, responses={201: VpmnOutput, **error_responses(400, 403, 404, 409)},
                   parameters=[idempotency_parameter(required=False)])
    def post(self, request, pk: int):
        group = get_for_actor(groups_for_actor(actor=request.user), request.user, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        rows = [MemberRow(row=i, msisdn=m["msisdn"].strip(), owner_consent=m["owner_consent"])
                for i, m in enumerate(v["members"], start=1)]

        def run():
            application = vpmn_application_create(actor=request.user, group=group, rows=rows,
                                                  documents_checked=v["documents_checked"], agent=v["agent"],
                                                  kind=v["kind"])
            return status.HTTP_201_CREATED, _vpmn(application)

        return api_idempotent(request, scope="groups.vpmn_apply", params=dict(request.data), run=run,
                              required=False)


def _vpmn_application(request, pk) -> VpmnApplication:
    return get_for_actor(vpmn_applications_for_actor(actor=request.user), request.user, pk=pk)


class VpmnDetailApi(APIView):
    """`GET /api/v1/vpmn-applications/{id}`: the application with its member list and call-out results."""

    permission_classes = [RequiresPerm("groups.view_vpmnapplication")]

    @extend_schema(responses={200: VpmnOutput, **error_responses(404)})
    def get(self, request, pk: int):
        return Response(_vpmn(_vpmn_application(request, pk)))


class VpmnCalloutApi(APIView):
    """`POST /api/v1/vpmn-applications/{id}/callouts`: the rep's call to one number on the list."""

    permission_classes = [RequiresPerm("groups.accept_vpmn")]

    class InputSerializer(serializers.Serializer):
        msisdn = serializers.CharField(max_length=20)
        result = OneOfField(values=["confirmed", "refused", "no_answer"])

    @extend_schema(request=InputSerializer, responses={200: VpmnOutput, **error_responses(400, 404, 409)})
    def post(self, request, pk: int):
        application = _vpmn_application(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        vpmn_callout_record(actor=request.user, application=application, msisdn=data.validated_data["msisdn"].strip(),
                            result=data.validated_data["result"])
        return Response(_vpmn(application))


class VpmnSignatureApi(APIView):
    """`POST /api/v1/vpmn-applications/{id}/signature`: the hall's store manager signs with their own user name
    and password (a wrong one counts as a failed login); every number must have been called."""

    permission_classes = [RequiresPerm("groups.accept_vpmn")]

    class InputSerializer(serializers.Serializer):
        approver_username = serializers.CharField(max_length=150)
        approver_password = serializers.CharField(max_length=128, style={"input_type": "password"})

    @extend_schema(request=InputSerializer, responses={200: VpmnOutput, **error_responses(400, 403, 404, 409)})
    def post(self, request, pk: int):
        application = _vpmn_application(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            approver = approver_authenticate(request._request, username=data.validated_data["approver_username"],
                                             password=data.validated_data["approver_password"])
        except DomainError as exc:   # a wrong name or password: bad input at the password field
            raise InvalidInputError(exc.message, field="approver_password") from None
        return Response(_vpmn(vpmn_application_sign(actor=request.user, application=application, approver=approver)))


class VpmnIssueApi(APIView):
    """`POST /api/v1/vpmn-applications/{id}/issue` (big-customer room): the group number, the import into the
    big-customer system, the members' SMS notice."""

    permission_classes = [RequiresPerm("groups.issue_vpmn")]

    @extend_schema(request=None, responses={200: VpmnOutput, **error_responses(404, 409)})
    def post(self, request, pk: int):
        return Response(_vpmn(vpmn_group_issue(actor=request.user, application=_vpmn_application(request, pk))))


class VpmnOpeningApi(APIView):
    """`POST /api/v1/vpmn-applications/{id}/opening` (Idempotency-Key): the VPMN discount and one work order
    per confirmed number; 409 vpmn_number_in_other_group when another group took a number meanwhile."""

    permission_classes = [RequiresPerm("groups.accept_vpmn")]

    @extend_schema(request=None, responses={200: VpmnOutput, **error_responses(400, 404, 409)},
                   parameters=[idempotency_parameter(required=True)])
    def post(self, request, pk: int):
        application = _vpmn_application(request, pk)

        def run():
            vpmn_discounts_open(actor=request.user, application=application)
            return status.HTTP_200_OK, _vpmn(application)

        return api_idempotent(request, scope="groups.vpmn_open", params={"application": application.pk}, run=run)


class VpmnMemberDepartureApi(APIView):
    """`POST /api/v1/groups/{id}/vpmn-members/{msisdn}/departure` (designated counter): the number leaves the
    group; the discount ends with this month and the network is told. 404 when it is not a current member."""

    permission_classes = [RequiresPerm("groups.accept_vpmn")]

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=200)

    class OutputSerializer(serializers.Serializer):
        msisdn = serializers.CharField()
        until = serializers.DateField()

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer, **error_responses(400, 403, 404, 409)})
    def post(self, request, pk: int, msisdn: str):
        from django.http import Http404

        from groups.models import VpmnMember
        from groups.services import vpmn_member_remove

        group = get_for_actor(groups_for_actor(actor=request.user), request.user, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = VpmnMember.objects.filter(group=group, line__msisdn=msisdn, left_at__isnull=True).first()
        if member is None:
            raise Http404
        left = vpmn_member_remove(actor=request.user, member=member, reason=data.validated_data["reason"])
        return Response({"msisdn": mask_msisdn(msisdn), "until": left.until})


# --------------------------------------------------------------------------------------------------
# Group SMS
# --------------------------------------------------------------------------------------------------


class GroupSmsCreateApi(APIView):
    """`POST /api/v1/group-sms-applications` (Idempotency-Key): pre-accept group SMS at a self-operated hall
    that takes it, for a registered group; the letter counts only with its seal checked; cluster-network
    numbers verified (400 group_sms_member_list names every refused row)."""

    permission_classes = [RequiresPerm("groups.accept_group_sms")]

    class InputSerializer(serializers.Serializer):
        customer_id = serializers.IntegerField()
        purpose = serializers.CharField(max_length=200)
        government_body = serializers.BooleanField(default=False)
        pays_cash = serializers.BooleanField(default=False)
        agent = serializers.BooleanField(default=False)
        documents_checked = serializers.ListField(child=serializers.CharField(max_length=30), max_length=10)
        letter_seal_checked = serializers.BooleanField(default=False)
        cluster_network = serializers.BooleanField(default=False)
        members = serializers.ListField(child=serializers.CharField(max_length=20), required=False, default=list,
                                        max_length=500)

    @extend_schema(request=InputSerializer, responses={201: GroupSmsOutput, **error_responses(400, 403, 404, 409)},
                   parameters=[idempotency_parameter(required=False)])
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        customer = customer_get_for_actor(actor=request.user, pk=v.pop("customer_id"))
        members = v.pop("members")
        rows = [MemberRow(row=i, msisdn=m.strip(), owner_consent=False) for i, m in enumerate(members, start=1)]

        def run():
            application = group_sms_application_create(actor=request.user, customer=customer, rows=rows, **v)
            return status.HTTP_201_CREATED, _sms(application)

        return api_idempotent(request, scope="groups.group_sms_apply", params=dict(request.data), run=run,
                              required=False)


def _sms_application(request, pk) -> GroupSmsApplication:
    return get_for_actor(group_sms_applications_for_actor(actor=request.user), request.user, pk=pk)


class GroupSmsDetailApi(APIView):
    """`GET /api/v1/group-sms-applications/{id}`."""

    permission_classes = [RequiresPerm("groups.view_groupsmsapplication")]

    @extend_schema(responses={200: GroupSmsOutput, **error_responses(404)})
    def get(self, request, pk: int):
        return Response(_sms(_sms_application(request, pk)))


class GroupSmsHandOverApi(APIView):
    """`POST /api/v1/group-sms-applications/{id}/hand-over` (the hall): the original goes to the big-customer
    room (due the day it was taken)."""

    permission_classes = [RequiresPerm("groups.accept_group_sms")]

    @extend_schema(request=None, responses={200: GroupSmsOutput, **error_responses(404, 409)})
    def post(self, request, pk: int):
        return Response(_sms(group_sms_hand_over(actor=request.user, application=_sms_application(request, pk))))


class GroupSmsReceiptApi(APIView):
    """`POST /api/v1/group-sms-applications/{id}/receipt` (big-customer room): received, passed to the
    data-business room."""

    permission_classes = [RequiresPerm("groups.handle_group_sms")]

    @extend_schema(request=None, responses={200: GroupSmsOutput, **error_responses(404, 409)})
    def post(self, request, pk: int):
        return Response(_sms(group_sms_receive(actor=request.user, application=_sms_application(request, pk))))


class GroupSmsPlatformApi(APIView):
    """`POST /api/v1/group-sms-applications/{id}/platform` (data-business room): the platform account; the
    generated password is in this one answer (`platform_password`) and never again (stored hashed only)."""

    permission_classes = [RequiresPerm("groups.build_group_sms_platform")]

    class InputSerializer(serializers.Serializer):
        platform_account = serializers.CharField(max_length=32)

    class OutputSerializer(GroupSmsOutput):
        platform_password = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer, **error_responses(400, 404, 409)})
    def post(self, request, pk: int):
        application = _sms_application(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application, password = group_sms_platform_build(actor=request.user, application=application,
                                                         account=data.validated_data["platform_account"])
        response = Response(_sms(application) | {"platform_password": password})
        response["Cache-Control"] = "no-store"
        return response


class GroupSmsNoticeApi(APIView):
    """`POST /api/v1/group-sms-applications/{id}/notice` (big-customer room): the opening notice is mailed;
    the registered mail number (UPU S10, `XA123456789CN`)."""

    permission_classes = [RequiresPerm("groups.handle_group_sms")]

    class InputSerializer(serializers.Serializer):
        registered_mail_number = serializers.CharField(max_length=20)

    @extend_schema(request=InputSerializer, responses={200: GroupSmsOutput, **error_responses(400, 404, 409)})
    def post(self, request, pk: int):
        application = _sms_application(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(_sms(group_sms_notice_send(
            actor=request.user, application=application,
            registered_mail_number=data.validated_data["registered_mail_number"])))


class GroupSmsConfirmationApi(APIView):
    """`POST /api/v1/group-sms-applications/{id}/confirmation` (big-customer room): the phone confirmation
    (whom they spoke to); the service is open and the group hears it by SMS."""

    permission_classes = [RequiresPerm("groups.handle_group_sms")]

    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(max_length=200)

    @extend_schema(request=InputSerializer, responses={200: GroupSmsOutput, **error_responses(400, 404, 409)})
    def post(self, request, pk: int):
        application = _sms_application(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(_sms(group_sms_phone_confirm(actor=request.user, application=application,
                                                     note=data.validated_data["note"])))


# --------------------------------------------------------------------------------------------------
# Group paperwork batches (the 25th's VPMN archive, the weekly SMS qualification documents)
# --------------------------------------------------------------------------------------------------


class GroupBatchOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    hall_name = serializers.CharField(source="hall.name")
    period = serializers.DateField()
    manifest = serializers.CharField()
    received_at = serializers.DateTimeField(allow_null=True)


class _BatchRoom(BasePermission):
    """The big-customer room (who signs for the batches): either of its group permissions."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and (user.has_perm("groups.issue_vpmn")
                                                        or user.has_perm("groups.handle_group_sms")))


class BatchListApi(APIView):
    """`GET /api/v1/group-batches`: the batches not signed for yet, oldest period first (the big-customer
    room's worklist)."""

    permission_classes = [_BatchRoom]

    @extend_schema(responses={200: GroupBatchOutput(many=True), **error_responses(403)})
    def get(self, request):
        from groups.models import GroupDocumentBatch

        batches = GroupDocumentBatch.objects.filter(received_at__isnull=True).select_related("hall").order_by(
            "period", "id")[:200]
        return Response(GroupBatchOutput(batches, many=True).data)


class BatchSignForApi(APIView):
    """`POST /api/v1/group-batches/{id}/sign-for`: the room receives the batch and signs for it (once: 409
    group_batch_signed the second time)."""

    permission_classes = [_BatchRoom]

    @extend_schema(request=None, responses={200: GroupBatchOutput, **error_responses(403, 404, 409)})
    def post(self, request, pk: int):
        from django.shortcuts import get_object_or_404

        from groups.models import GroupDocumentBatch
        from groups.services.batches import group_batch_sign_for

        batch = get_object_or_404(GroupDocumentBatch, pk=pk)
        return Response(GroupBatchOutput(group_batch_sign_for(actor=request.user, batch=batch)).data)

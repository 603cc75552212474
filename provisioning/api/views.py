from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from boss.permissions import RequiresPerm
from provisioning.filtersets import WorkOrderFilterSet
from provisioning.models import WorkOrder
from provisioning.selectors import work_order_get_for_actor, work_order_list_for_actor
from provisioning.services import work_order_retry, work_order_rollback


class WorkOrderOutput(serializers.ModelSerializer):
    key = serializers.CharField(read_only=True)

    class Meta:
        model = WorkOrder
        fields = ["id", "key", "action", "msisdn", "state", "attempts", "last_error", "reference", "created_at",
                  "completed_at"]


class WorkOrderListApi(generics.ListAPIView):
    permission_classes = [RequiresPerm("provisioning.view_workorder")]
    serializer_class = WorkOrderOutput
    filterset_class = WorkOrderFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WorkOrder.objects.none()
        return work_order_list_for_actor(actor=self.request.user).order_by("-id")


class WorkOrderRetryApi(APIView):
    permission_classes = [RequiresPerm("provisioning.retry_workorder")]

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={200: WorkOrderOutput})
    def post(self, request, pk):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        wo = work_order_retry(actor=request.user, work_order=work_order_get_for_actor(actor=request.user, pk=pk),
                              **data.validated_data)
        return Response(WorkOrderOutput(wo).data)


class WorkOrderRollbackApi(APIView):
    permission_classes = [RequiresPerm("provisioning.rollback_workorder")]

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=200)

    @extend_schema(request=InputSerializer, responses={200: WorkOrderOutput})
    def post(self, request, pk):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        wo = work_order_rollback(actor=request.user,
                                 work_order=work_order_get_for_actor(actor=request.user, pk=pk),
                                 **data.validated_data)
        return Response(WorkOrderOutput(wo).data)

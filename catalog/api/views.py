"""API of the catalog (api.md): products and features on sale."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import generics, serializers

from boss.permissions import RequiresPerm
from catalog.filtersets import FeatureFilterSet, PlanFilterSet
from catalog.models import Feature, Plan
from catalog.selectors import feature_list, plan_list


class ProductListApi(generics.ListAPIView):
    """Plans and add-ons with their allowances and rates."""

    permission_classes = [RequiresPerm("catalog.view_plan")]
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
                      "long_distance_per_minute", "max_secondary_cards", "active", "valid_from", "valid_until"]

    serializer_class = OutputSerializer

    def get_queryset(self):
        return plan_list()


class FeatureListApi(generics.ListAPIView):
    """Features with their monthly fee and the deposit they require."""

    permission_classes = [RequiresPerm("catalog.view_feature")]
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

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import generics, serializers

from billing.filtersets import LedgerAccountFilterSet
from billing.models import ZERO, LedgerAccount
from billing.selectors import ledger_account_list_for_actor
from boss.permissions import RequiresPerm


class LedgerAccountListApi(generics.ListAPIView):
    """Ledger accounts with their balance (the same filters as the screen)."""

    permission_classes = [RequiresPerm("billing.view_ledgeraccount")]
    filter_backends = [DjangoFilterBackend]
    filterset_class = LedgerAccountFilterSet

    class OutputSerializer(serializers.ModelSerializer):
        hall = serializers.CharField(source="hall.code", allow_null=True, default=None)
        balance = serializers.SerializerMethodField()

        class Meta:
            model = LedgerAccount
            fields = ["id", "code", "kind", "subtype", "hall", "balance"]

        def get_balance(self, account) -> str:
            return f"{account.normal(account.signed_sum or ZERO):.2f}"

    serializer_class = OutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return LedgerAccount.objects.none()
        return ledger_account_list_for_actor(actor=self.request.user).order_by("code")

"""Shapes the customer endpoints share. Identity numbers, addresses and contact data are masked."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from boss.masking import mask, mask_address, mask_msisdn, name_for
from customers.models import CustomerIdentity


class NameField(serializers.CharField):
    """A customer's name by the one per-role rule (boss.masking.name_for): the serializer's context carries
    the `actor` (or the `request`); without one it is masked."""

    def to_representation(self, value):
        actor = self.context.get("actor")
        if actor is None and self.context.get("request") is not None:
            actor = self.context["request"].user
        return name_for(actor, value)


class IdentityInput(serializers.Serializer):
    """An identity document as typed at the counter (validated by the service)."""

    type = serializers.ChoiceField(choices=CustomerIdentity.DocType.choices)
    number = serializers.CharField(max_length=60, allow_blank=True)
    address = serializers.CharField(max_length=200, allow_blank=True, default="")
    check_method = serializers.ChoiceField(choices=CustomerIdentity.CheckMethod.choices,
                                           default=CustomerIdentity.CheckMethod.CARD_READER)


class MoneyField(serializers.DecimalField):
    """Yuan as a string with two decimals (api.md)."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=16, decimal_places=2, coerce_to_string=True, **kwargs)


class IdentityOutput(serializers.Serializer):
    type = serializers.CharField(source="doc_type")
    number = serializers.SerializerMethodField(help_text="masked")
    name = NameField(help_text="in full or masked, by the caller's role")
    address = serializers.SerializerMethodField(help_text="masked")
    check_method = serializers.CharField()
    checked_at = serializers.DateTimeField(allow_null=True)

    def get_number(self, identity) -> str:
        return mask(identity.number)

    def get_address(self, identity) -> str:
        return mask_address(identity.address)


class ClassOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    label = serializers.CharField(source="__str__")
    vip_level = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()
    since = serializers.DateField()
    until = serializers.DateField(allow_null=True)
    set_by = serializers.CharField(source="set_by.username", allow_null=True, default=None)
    revoked_at = serializers.DateTimeField(allow_null=True)
    revoke_reason = serializers.CharField()


class LineSummaryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    msisdn = serializers.CharField()
    status = serializers.CharField()
    plan = serializers.CharField(source="plan.code")
    hall = serializers.CharField(source="hall.code")
    account_id = serializers.IntegerField()
    activated_at = serializers.DateTimeField(allow_null=True)


class AccountMoneyOutput(serializers.Serializer):
    id = serializers.IntegerField(source="account.pk")
    payment_method = serializers.CharField(source="account.payment_method")
    payer_id = serializers.IntegerField(source="account.customer_id")
    balance = MoneyField(source="money.balance")
    deposit = MoneyField(source="money.deposit")
    arrears = MoneyField(source="money.arrears")


class CustomerSummaryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = NameField(help_text="in full or masked, by the caller's role")
    identity = IdentityOutput()
    contact_phone = serializers.SerializerMethodField(help_text="masked")
    classes = ClassOutput(many=True, source="active_classes")

    def get_contact_phone(self, customer) -> str:
        return mask_msisdn(customer.contact_phone)


class CustomerOutput(CustomerSummaryOutput):
    """A customer with classes in force, lines and accounts (from customers.selectors.Profile)."""

    contact_address = serializers.SerializerMethodField(help_text="masked")
    created_hall = serializers.CharField(source="created_hall.code", allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    lines = serializers.SerializerMethodField()
    accounts = serializers.SerializerMethodField()

    def get_contact_address(self, customer) -> str:
        return mask_address(customer.contact_address)

    def _profile(self, customer):
        return self.context["profile"]

    @extend_schema_field(LineSummaryOutput(many=True))
    def get_lines(self, customer):
        return LineSummaryOutput(self._profile(customer).lines, many=True).data

    @extend_schema_field(AccountMoneyOutput(many=True))
    def get_accounts(self, customer):
        return AccountMoneyOutput(self._profile(customer).accounts, many=True).data


def customer_output(customer, *, actor, just_created: bool = False) -> dict:
    """The full customer body (classes, lines, accounts) in a fixed number of queries (fewer for a customer
    created by this request: no lines and no accounts to read)."""
    from customers.selectors import customer_profile

    profile = customer_profile(customer=customer, event_limit=0, just_created=just_created)
    customer.active_classes = profile.classes_active
    return CustomerOutput(customer, context={"profile": profile, "actor": actor}).data

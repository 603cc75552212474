"""Output shapes shared by the complaint API views."""

from django.utils import timezone
from rest_framework import serializers

from complaints.models import Article, Complaint, ComplaintStep


class ComplaintStepOutput(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code", allow_null=True, default=None)
    closed_by = serializers.CharField(source="closed_by.display_name", allow_null=True, default=None)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = ComplaintStep
        fields = ["stage", "round", "department", "opened_at", "due_at", "closed_at", "closed_by", "outcome",
                  "text", "overdue"]

    def get_overdue(self, step) -> bool:
        if step.closed_at is not None:
            return step.due_at is not None and step.closed_at > step.due_at
        return step.due_at is not None and step.due_at < timezone.now()


class ComplaintSummaryOutput(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code")
    department = serializers.CharField(source="department.code", allow_null=True, default=None)
    msisdn = serializers.CharField(source="line.msisdn", allow_null=True, default=None)

    class Meta:
        model = Complaint
        fields = ["number", "status", "channel", "category", "severity", "msisdn", "order_reference",
                  "received_at", "answer_due_at", "department", "round", "answered_at", "satisfaction",
                  "closed_at"]


class ComplaintOutput(ComplaintSummaryOutput):
    """A complaint with its whole timeline (what a hotline or portal shows the customer, and more)."""

    refund_requested = serializers.SerializerMethodField()
    refund_reference = serializers.CharField(source="refund_case.number", allow_null=True, default="")
    steps = ComplaintStepOutput(many=True, read_only=True)

    class Meta(ComplaintSummaryOutput.Meta):
        fields = [*ComplaintSummaryOutput.Meta.fields, "description", "answer", "refund_requested", "refund_reference",
                  "refund_outcome", "refund_outcome_note", "refund_outcome_at", "steps"]

    def get_refund_requested(self, complaint) -> bool:
        return complaint.refund_requested_at is not None


class ArticleOutput(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code")

    class Meta:
        model = Article
        fields = ["id", "title", "kind", "category", "body", "keywords", "version", "valid_from", "valid_until"]

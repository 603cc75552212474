"""Admin-editable configuration of complaints: categories with their per-stage time limits, and the
knowledge base's categories. Changes are audited like every other admin change."""

from django.contrib import admin

from boss.admin import AuditedAdmin
from complaints.models import ArticleCategory, ComplaintCategory, ComplaintTimeLimit


class ComplaintTimeLimitInline(admin.TabularInline):
    model = ComplaintTimeLimit
    extra = 0


@admin.register(ComplaintCategory)
class ComplaintCategoryAdmin(AuditedAdmin):
    list_display = ["code", "name", "default_department", "billing_dispute", "answer_days", "starts_refund", "active"]
    list_filter = ["billing_dispute", "starts_refund", "active"]
    search_fields = ["code", "name"]
    inlines = [ComplaintTimeLimitInline]

    def has_delete_permission(self, request, obj=None):
        return False  # complaints keep their category: retire one with "active"


@admin.register(ComplaintTimeLimit)
class ComplaintTimeLimitAdmin(AuditedAdmin):
    list_display = ["category", "stage", "hours"]
    list_filter = ["stage"]


@admin.register(ArticleCategory)
class ArticleCategoryAdmin(AuditedAdmin):
    list_display = ["code", "name", "active"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request, obj=None):
        return False

"""Refusals of the catalog: what is not on sale, a grade table that cannot grade."""

from django.utils.translation import gettext_lazy as _

from boss.errors import DomainError


class GradeTableIncompleteError(DomainError):
    code, status = "grade_table_incomplete", 409

    def default_message(self):
        return _("The number grade table has no default grade: ask the administrator to set one.")


class ProductUnavailableError(DomainError):
    code, status, field = "product_unavailable", 400, "product_code"

    def default_message(self):
        return _("This product is not on sale on that date.")


class FeatureUnavailableError(DomainError):
    code, status, field = "feature_unavailable", 400, "features"

    def default_message(self):
        return _("This feature is not on sale on that date.")


class MainPlanRequiredError(DomainError):
    """An opening takes exactly one main plan; an add-on (data pack, family share ...) is not one."""

    code, status, field = "main_plan_required", 400, "product_code"

    def default_message(self):
        return _("Choose a main plan: an add-on pack cannot be the plan of a line.")

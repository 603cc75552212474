"""Refusals of the complaint and knowledge-base services, each with a stable code."""

from django.utils.translation import gettext_lazy as _

from boss.errors import DomainError


class ComplaintStateError(DomainError):
    """The complaint is not in a state that allows this step (e.g. re-dispatching a closed one)."""

    code, status = "complaint_state", 409

    def default_message(self):
        return _("This complaint is not at a stage where this can be done.")


class NotYourDepartmentError(DomainError):
    """The complaint's open step is held by another department."""

    code, status = "not_your_department", 403

    def default_message(self):
        return _("This complaint is not with your department.")


class OutOfScopeError(DomainError):
    """The disputed event is older than the period in which complaints are accepted (A9)."""

    code, status = "complaint_out_of_scope", 400


class ComplaintInputError(DomainError):
    """Well-formed input the rules do not accept (no contact, unknown number, wrong department ...)."""

    code, status = "complaint_invalid", 400


class ComplaintConfigurationError(DomainError):
    code, status = "complaint_configuration", 409


class EscalationError(DomainError):
    code, status = "escalation", 409


class ArticleError(DomainError):
    code, status = "article_invalid", 400


class ArticleVersionConflictError(DomainError):
    """Someone else saved a newer version while this one was being edited (no lost updates)."""

    code, status = "article_version_conflict", 409

    def default_message(self):
        return _("Someone else changed this article while you were editing it. Reload it and apply your "
                 "changes again.")

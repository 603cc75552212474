"""Refusals of the customers app. Each has a stable `code` (the API contract, api.md) and a 4xx status.

Errors about one input field name it in `field`; the API adds `"fields": {field: [message]}` for them,
the screens show the message at that field.
"""

from django.utils.translation import gettext_lazy as _

from boss.errors import DomainError, InvalidInputError, NotPermitted


class FieldError(InvalidInputError):
    """Bad input for one field (or several: `fields` maps each to its message)."""

    def __init__(self, message=None, *, field: str | None = None, fields: dict | None = None, **params):
        super().__init__(message, field=field, **params)
        self.fields = fields or ({self.field: [str(self.message)]} if self.field else {})

    def as_dict(self) -> dict:
        body = super().as_dict()
        if self.fields:
            body["fields"] = {key: [str(m) for m in msgs] for key, msgs in self.fields.items()}
        return body


# --------------------------------------------------------------------------------------------------
# Identity documents and numbers (C1-F3, domain-rules A3-A5)
# --------------------------------------------------------------------------------------------------


class IdentityError(FieldError):
    code = "invalid_identity"
    field = "number"


class BadFormatError(IdentityError):
    code = "bad_format"

    def default_message(self):
        return _("The document number has the wrong format for this document type.")


class BadCheckDigitError(IdentityError):
    code = "bad_check_digit"

    def default_message(self):
        return _("The check digit does not match: re-type the number from the document.")


class BadBirthDateError(IdentityError):
    code = "bad_birth_date"

    def default_message(self):
        return _("The birth date in the number is not a real date, or it is in the future.")


class UnknownRegionError(IdentityError):
    code = "unknown_region"

    def default_message(self):
        return _("The region code at the start of the number does not exist.")


class LegacyNumberError(IdentityError):
    code = "legacy_number"

    def default_message(self):
        return _("15-digit numbers of first-generation cards can only be used to look up old records. "
                 "Ask for the current 18-digit resident ID card.")


class UnknownDocumentTypeError(IdentityError):
    code = "bad_document_type"
    field = "doc_type"

    def default_message(self):
        return _("Unknown document type.")


class BadMobileNumberError(FieldError):
    code = "bad_mobile_number"
    field = "msisdn"

    def default_message(self):
        return _("A mobile number has 11 digits and starts with 13 to 19.")


class BadContactNumberError(FieldError):
    code = "bad_contact_number"
    field = "contact_phone"

    def default_message(self):
        return _("Enter a mobile number (11 digits) or a landline with its area code, such as 020-12345678.")


class BadIccidError(FieldError):
    code = "bad_iccid"
    field = "iccid"

    def default_message(self):
        return _("A SIM card number (ICCID) has 19 or 20 digits and starts with 89.")


# --------------------------------------------------------------------------------------------------
# Service password (process 1.6)
# --------------------------------------------------------------------------------------------------


class ServicePasswordError(FieldError):
    code = "weak_service_password"
    field = "service_password"


class ServicePasswordFormatError(ServicePasswordError):
    code = "bad_service_password"

    def default_message(self):
        return _("The service password has exactly 6 digits.")


class TrivialServicePasswordError(ServicePasswordError):
    code = "trivial_service_password"

    def default_message(self):
        return _("This password is too easy to guess (repeated or consecutive digits). Choose another one.")


class ServicePasswordFromIdentityError(ServicePasswordError):
    code = "service_password_from_identity"

    def default_message(self):
        return _("The password may not be taken from the ID number (its last six digits or the birth date).")


# --------------------------------------------------------------------------------------------------
# Customers
# --------------------------------------------------------------------------------------------------


class CustomerIncompleteError(FieldError):
    """C1-F3: name, address, a valid number and a contact number are needed before anything is saved."""

    code = "customer_incomplete"

    def default_message(self):
        return _("The customer data is not complete.")


class KindMismatchError(FieldError):
    code, field = "kind_mismatch", "kind"

    def default_message(self):
        return _("The customer type follows from the document: a unified social credit code is an "
                 "organization, every other document an individual.")


class IdentityInUseError(DomainError):
    code, status, field = "identity_in_use", 409, "number"

    def default_message(self):
        return _("A customer with this document is already registered. Open that customer instead.")


class IdentityNameMismatchError(DomainError):
    code, status, field = "identity_name_mismatch", 409, "name"

    def default_message(self):
        return _("This document is on record under another name. Check the name on the document.")


class AgentNotPersonError(FieldError):
    code, field = "agent_must_be_person", "doc_type"

    def default_message(self):
        return _("An agent acts in person: record their personal document, not an organization's code.")


class AgentMinorError(DomainError):
    code, status, field = "agent_is_minor", 409, "number"

    def default_message(self):
        return _("An agent must be an adult.")


class GuardianRequiredError(DomainError):
    code, status = "guardian_required", 409

    def default_message(self):
        return _("The customer is a minor: a guardian comes with them, shows their own ID and is recorded as "
                 "the agent.")


# --------------------------------------------------------------------------------------------------
# Classification (M3.x)
# --------------------------------------------------------------------------------------------------


class ClassInvalidError(FieldError):
    code = "class_invalid"


class ClassAlreadyActiveError(DomainError):
    code, status, field = "class_already_active", 409, "kind"

    def default_message(self):
        return _("The customer is already in this class. Revoke it first to change it.")


class ClassConflictError(DomainError):
    code, status, field = "class_conflict", 409, "kind"

    def default_message(self):
        return _("A customer cannot be on the blacklist and the redlist at the same time.")


class ClassAlreadyRevokedError(DomainError):
    code, status = "class_already_revoked", 409

    def default_message(self):
        return _("This class has already been revoked.")


class CustomerBlacklistedError(DomainError):
    code, status = "customer_blacklisted", 409

    def default_message(self):
        return _("The customer is on the blacklist. Only a manager can approve this business.")


class OverrideNotPermittedError(NotPermitted):
    code = "override_not_permitted"

    def default_message(self):
        return _("Only a manager may approve business for a blacklisted customer.")


class ReasonRequiredError(FieldError):
    code, field = "reason_required", "reason"

    def default_message(self):
        return _("Give a reason.")


# --------------------------------------------------------------------------------------------------
# Privacy
# --------------------------------------------------------------------------------------------------


class RevealFieldError(FieldError):
    code, field = "field_not_revealable", "field"

    def default_message(self):
        return _("This field cannot be revealed.")


class IdentitySearchLimitError(DomainError):
    """Searches by full identity number are throttled per user (tariff identity.searches_per_hour)."""

    code, status, field = "identity_search_limit", 429, "query"

    def default_message(self):
        return _("You have reached the number of searches by identity number allowed per hour. Try again later.")


class RevealLimitError(DomainError):
    code, status = "reveal_limit", 429

    def default_message(self):
        return _("You have reached the number of reveals allowed per hour. Try again later.")


# --------------------------------------------------------------------------------------------------
# Lines and the per-identity limit (一证五号, domain-rules A2)
# --------------------------------------------------------------------------------------------------


class IdentityLineLimitError(DomainError):
    code, status = "identity_line_limit", 409

    def default_message(self):
        return _("This identity already holds the most lines allowed with this operator.")


class NationalCapError(DomainError):
    code, status = "national_line_cap", 409

    def default_message(self):
        return _("This identity already holds the most lines allowed across all operators.")


class NationalCountUnavailableError(DomainError):
    """The group's count service did not answer: the opening is refused (fail closed, A2)."""

    code, status = "national_count_unavailable", 503

    def default_message(self):
        return _("The group's card-count check is not answering, so no line can be opened for this "
                 "identity now. Try again in a few minutes; nothing has been saved.")


class CustomerNotFoundError(DomainError):
    code, status, field = "customer_not_found", 404, "customer"

    def default_message(self):
        return _("No such customer.")


class LineNotFoundError(DomainError):
    """No line ever held this number (the API's code is the number's: the caller asked about a number)."""

    code, status, field = "number_not_found", 404, "msisdn"

    def default_message(self):
        return _("No line has this mobile number.")


class NumberInUseError(DomainError):
    code, status, field = "number_unavailable", 409, "msisdn"

    def default_message(self):
        return _("This mobile number already belongs to a live line.")


class PlanNotAvailableError(DomainError):
    code, status, field = "plan_not_available", 409, "plan"

    def default_message(self):
        return _("This plan is not on sale today.")


class AccountNotOwnError(DomainError):
    code, status, field = "account_not_own", 400, "account"

    def default_message(self):
        return _("Choose another account of the line's owner.")

from django.utils.translation import gettext_lazy as _

from boss.errors import DomainError


class GroupIndividualError(DomainError):
    code, status, field = "group_individual_customer", 400, "customer"

    def default_message(self):
        return _("Group business is for organization customers only, never for individuals.")


class GroupCreditCodeError(DomainError):
    code, status, field = "group_credit_code", 400, "customer"

    def default_message(self):
        return _("A group customer needs a valid unified social credit code.")


class VpmnCounterError(DomainError):
    code, status = "vpmn_not_designated_counter", 403

    def default_message(self):
        return _("VPMN is accepted only at a designated counter.")


class VpmnAlreadyError(DomainError):
    code, status = "vpmn_already", 409

    def default_message(self):
        return _("This group already has VPMN: add members to it instead.")


class VpmnNotYetError(DomainError):
    code, status = "vpmn_not_yet", 409

    def default_message(self):
        return _("This group has no VPMN yet: apply for a new VPMN first.")


class VpmnDuplicateError(DomainError):
    code, status = "vpmn_duplicate_application", 409

    def default_message(self):
        return _("This group already has a VPMN application in progress.")


class VpmnDocumentsError(DomainError):
    code, status, field = "vpmn_documents_missing", 400, "documents_checked"


class MemberListError(DomainError):
    """Some rows of the member list are refused; `params["rows"]` says which and why. Nothing was written."""

    code, status, field = "vpmn_member_list", 400, "members"

    def default_message(self):
        return _("Some numbers on the member list are refused: correct them and send the whole list again.")


class VpmnStateError(DomainError):
    code, status = "vpmn_state", 409

    def default_message(self):
        return _("The application is not at this step.")


class VpmnCalloutPendingError(DomainError):
    code, status = "vpmn_callout_pending", 409

    def __init__(self, *, numbers: list[str]):
        super().__init__(_("Call every number on the list first: %(numbers)s not called yet.")
                         % {"numbers": "、".join(numbers)}, numbers=numbers)


class VpmnNoConfirmedError(DomainError):
    code, status = "vpmn_none_confirmed", 409

    def default_message(self):
        return _("No number confirmed on the call-out: there is nobody to join.")


class VpmnApproverError(DomainError):
    code, status, field = "vpmn_approver", 403, "override_password"

    def default_message(self):
        return _("Only the store manager of this hall can sign the VPMN agreement.")


class VpmnNumberTakenError(DomainError):
    code, status = "vpmn_number_in_other_group", 409

    def __init__(self, *, msisdn: str):
        super().__init__(_("Number %(msisdn)s is already a member of another VPMN group.") % {"msisdn": msisdn},
                         msisdn=msisdn)


class VpmnConfigurationError(DomainError):
    code, status = "vpmn_configuration", 409

    def default_message(self):
        return _("The VPMN discount is not set up in the catalog.")


class GroupNotRegisteredError(DomainError):
    code, status, field = "group_not_registered", 409, "customer"

    def default_message(self):
        return _("This organization is not a group customer yet: register it as a group customer first.")


class GroupSmsHallError(DomainError):
    code, status = "group_sms_hall", 403

    def default_message(self):
        return _("Group SMS is pre-accepted only at self-operated halls that take it.")


class GroupSmsDuplicateError(DomainError):
    code, status = "group_sms_duplicate_application", 409

    def default_message(self):
        return _("This group already has a group SMS application in progress.")


class GroupSmsDocumentsError(DomainError):
    code, status, field = "group_sms_documents_missing", 400, "documents_checked"


class GroupSmsLetterSealError(DomainError):
    code, status, field = "group_sms_letter_seal", 400, "letter_seal_checked"

    def default_message(self):
        return _("The information security responsibility letter counts only with the official seal: check the "
                 "seal and record it.")


class GroupSmsMemberListError(MemberListError):
    """Cluster-network numbers refused; `params["rows"]` says which and why. Nothing was written."""

    code = "group_sms_member_list"

    def default_message(self):
        return _("Some cluster-network numbers are refused: correct them and send the whole list again.")


class GroupSmsStateError(DomainError):
    code, status = "group_sms_state", 409

    def default_message(self):
        return _("The group SMS application is not at this step.")


class GroupSmsAccountError(DomainError):
    code, status, field = "group_sms_platform_account", 400, "platform_account"


class GroupSmsMailNumberError(DomainError):
    code, status, field = "group_sms_mail_number", 400, "registered_mail_number"

    def default_message(self):
        return _("A registered mail number is two letters, nine digits and two letters, such as XA123456789CN.")


class GroupBatchStateError(DomainError):
    code, status = "group_batch_signed", 409

    def default_message(self):
        return _("This batch was already signed for.")

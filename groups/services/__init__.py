"""Group business services: group customers and VPMN (`vpmn`), group SMS pre-acceptance (`sms`)."""

from groups.services.sms import (  # noqa: F401
    cluster_numbers_check,
    group_sms_application_create,
    group_sms_documents_required,
    group_sms_hand_over,
    group_sms_handover_overdue_flag,
    group_sms_notice_send,
    group_sms_phone_confirm,
    group_sms_platform_build,
    group_sms_receive,
)
from groups.services.vpmn import (  # noqa: F401
    VPMN_DISCOUNT_CODE,
    group_customer_register,
    group_has_vpmn,
    member_rows_check,
    vpmn_application_create,
    vpmn_application_sign,
    vpmn_callout_record,
    vpmn_discounts_open,
    vpmn_documents_required,
    vpmn_group_issue,
    vpmn_member_remove,
)

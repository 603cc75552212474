"""Who answers the customers' chat (the portal's 在线客服 queue): branch customer service and managers."""

ROLE_PERMISSIONS = {
    "complaint_reviewer": ("portal.answer_chat",),
    "manager": ("portal.answer_chat",),
}

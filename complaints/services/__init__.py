"""Services of the complaints app (style.md B2): the work order, its time limits, the knowledge base."""

from complaints.services.knowledge import article_create, article_update
from complaints.services.timelimits import (
    complaint_step_escalate,
    complaint_steps_escalate_overdue,
    escalation_acknowledge,
)
from complaints.services.workflow import (
    complaint_accept,
    complaint_callback,
    complaint_dispatch,
    complaint_open,
    complaint_pass_down,
    complaint_redispatch,
    complaint_reply,
    complaint_return,
)

__all__ = [
    "article_create", "article_update",
    "complaint_step_escalate", "complaint_steps_escalate_overdue", "escalation_acknowledge",
    "complaint_accept", "complaint_callback", "complaint_dispatch", "complaint_open", "complaint_pass_down",
    "complaint_redispatch", "complaint_reply", "complaint_return",
]

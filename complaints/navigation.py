from django.utils.translation import gettext_lazy as _

from boss.navigation import NavItem

NAV_ITEMS = [
    NavItem("complaints", _("New complaint"), "complaints:complaint_open", "complaints.file_complaint", "t"),
    NavItem("complaints", _("Complaint list"), "complaints:complaint_list", "complaints.view_complaint"),
    NavItem("complaints", _("To classify"), "complaints:queue_review", "complaints.review_complaint"),
    NavItem("complaints", _("To handle"), "complaints:queue_handle", "complaints.handle_complaint"),
    NavItem("complaints", _("Replies to check"), "complaints:queue_check", "complaints.review_complaint"),
    NavItem("complaints", _("To call back"), "complaints:queue_callback", "complaints.callback_complaint"),
    NavItem("complaints", _("Escalations"), "complaints:escalation_list", "complaints.receive_escalation"),
    NavItem("query", _("Knowledge base"), "complaints:article_list", "complaints.view_article", "k"),
    NavItem("reports", _("Complaint statistics"), "complaints:statistics", "complaints.view_complaint_statistics"),
]

"""Time limits of the complaint stages (process 11, A9). A category may override a stage's limit in
the admin (ComplaintTimeLimit); these are the defaults for every category."""

from django.utils.translation import gettext_lazy as _

from boss.tariffs import Param

PARAMS = [
    Param("complaint.review_hours", "24", "int", _("Time limit to classify and dispatch a complaint"), _("hours")),
    Param("complaint.handle_hours", "72", "int", _("Time limit for a department to handle a complaint"), _("hours")),
    Param("complaint.check_hours", "24", "int", _("Time limit to check a department's reply"), _("hours")),
    Param("complaint.callback_hours", "48", "int", _("Time limit to call the customer back"), _("hours")),
    Param("complaint.escalate_to_manager_hours", "24", "int",
          _("Hours past the due time after which an overdue step goes on to the manager"), _("hours")),
    Param("complaint.due_soon_hours", "4", "int",
          _("Hours before a due time from which an open step is shown as due soon"), _("hours")),
    Param("kb.most_used_days", "90", "int", _("Period over which the most-used articles are counted"), _("days")),
]

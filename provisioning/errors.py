from django.utils.translation import gettext_lazy as _

from boss.errors import DomainError


class WorkOrderStateError(DomainError):
    code, status = "work_order_state", 409

    def default_message(self):
        return _("Only a failed work order can be retried or rolled back.")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = _("Inventory")

    def ready(self):
        from catalog.grading import grade_table_regrade_hook
        from inventory.tasks import numbers_regrade_task

        # After a change of the grade table the admin asks for the free numbers to be graded again.
        grade_table_regrade_hook(numbers_regrade_task.delay)

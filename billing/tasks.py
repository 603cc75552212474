from celery import shared_task

from billing.models import UsageImport
from billing.services.usage import usage_import_file


@shared_task(name="billing.tasks.usage_import_run")
def usage_import_run(usage_import_id: int) -> int:
    """Import an uploaded usage file (progress is kept on the UsageImport row)."""
    usage_import = UsageImport.objects.get(pk=usage_import_id)
    if usage_import.status == UsageImport.Status.DONE:
        return usage_import.imported  # delivered twice: already done
    return usage_import_file(usage_import=usage_import).imported

from celery import shared_task
from django.utils import timezone

from hall.services import tickets_lapse


@shared_task
def tickets_close_day() -> int:
    """Tickets of past days still open: no-shows if they waited, finished if being served (nightly)."""
    return tickets_lapse(before_day=timezone.localdate())

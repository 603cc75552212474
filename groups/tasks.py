from celery import shared_task

from boss.permissions import system_actor
from groups.services.sms import group_sms_handover_overdue_flag


@shared_task(name="groups.tasks.group_sms_handover_overdue_flag")
def group_sms_handover_overdue_flag_task() -> int:
    """Beat job (boss/celery.py): flag group SMS applications not handed over on their day. Safe to run twice."""
    return group_sms_handover_overdue_flag(actor=system_actor())


@shared_task(name="groups.tasks.vpmn_archive_build")
def vpmn_archive_build_task() -> int:
    """Beat job on the 25th (boss/celery.py): each hall's VPMN archive of the month. Builds each batch once."""
    from groups.services.batches import vpmn_archive_build

    return vpmn_archive_build(actor=system_actor())


@shared_task(name="groups.tasks.group_sms_documents_build")
def group_sms_documents_build_task() -> int:
    """Weekly beat job (boss/celery.py): each hall's group SMS qualification documents. Builds each batch once."""
    from groups.services.batches import group_sms_documents_build

    return group_sms_documents_build(actor=system_actor())

from hall.services.announcements import announcement_acknowledge, announcement_publish
from hall.services.tickets import (
    ticket_call_next,
    ticket_finish,
    ticket_recall,
    ticket_skip,
    ticket_take,
    ticket_transfer,
    tickets_lapse,
)

__all__ = [
    "announcement_acknowledge", "announcement_publish", "ticket_call_next", "ticket_finish", "ticket_recall",
    "ticket_skip", "ticket_take", "ticket_transfer", "tickets_lapse",
]

from partners.services.blacklist import blacklist_file_import, blacklist_rows_apply
from partners.services.keys import partner_key_authenticate, partner_key_issue, partner_key_revoke, partner_key_rotate
from partners.services.registry import (
    partner_create,
    partner_delete,
    partner_hall_link,
    partner_hall_unlink,
    partner_resume,
    partner_suspend,
    partner_update,
)

__all__ = [
    "blacklist_file_import", "blacklist_rows_apply",
    "partner_create", "partner_delete", "partner_hall_link", "partner_hall_unlink",
    "partner_key_authenticate", "partner_key_issue",
    "partner_key_revoke", "partner_key_rotate", "partner_resume", "partner_suspend", "partner_update",
]

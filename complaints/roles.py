"""Which role may do what with complaints and the knowledge base (merged by boss.roles.roles_sync).

Department heads are not a role: a head is a department handler (or reviewer) who also holds the
per-user permission complaints.lead_department, given in the admin (Staff → user permissions). The
level-1 escalations of their department and its district units go to them.
"""

_FILE = ("complaints.file_complaint", "complaints.view_complaint")
_READ_KB = ("complaints.view_article",)
_WRITE_KB = ("complaints.view_article", "complaints.add_article", "complaints.change_article")

ROLE_PERMISSIONS = {
    "sales_rep": _FILE + _READ_KB,
    "customer_manager": _FILE + _READ_KB,
    "store_manager": _FILE + _READ_KB + ("complaints.view_complaint_statistics",),
    "account_clerk": ("complaints.view_complaint",) + _READ_KB,
    "big_customer_room": _FILE + _READ_KB,
    "data_business_room": _READ_KB,
    "complaint_reviewer": _FILE + _READ_KB + ("complaints.review_complaint", "complaints.callback_complaint"),
    "department_handler": ("complaints.view_complaint", "complaints.handle_complaint") + _WRITE_KB,
    "manager": _FILE + _WRITE_KB + ("complaints.view_complaint_statistics", "complaints.receive_escalation"),
    "admin": _WRITE_KB + (
        "complaints.view_complaintcategory", "complaints.add_complaintcategory",
        "complaints.change_complaintcategory",
        "complaints.view_complainttimelimit", "complaints.add_complainttimelimit",
        "complaints.change_complainttimelimit", "complaints.delete_complainttimelimit",
        "complaints.view_articlecategory", "complaints.add_articlecategory", "complaints.change_articlecategory",
    ),
}

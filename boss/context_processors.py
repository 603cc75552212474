from django.utils import timezone

from boss.navigation import nav_for


def counter(request):
    """The frame's context (navigation, workplace, roles), computed once per request: a template rendered
    with the request runs the context processors again (django-tables2's render_table, and each cell of a
    TemplateColumn: the work-order list read the roles once per row)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    cached = getattr(request, "_counter_context", None)
    if cached is None or cached[0] is not user:
        cached = (user, {
            "nav_groups": nav_for(user),
            "workplace": user.workplace,
            "role_names": user.role_names,
            "today": timezone.localdate(),
        })
        request._counter_context = cached
    return cached[1]

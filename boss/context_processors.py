from django.utils import timezone

from boss.navigation import nav_for


def counter(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_groups": nav_for(user),
        "workplace": user.workplace,
        "role_names": user.role_names,
        "today": timezone.localdate(),
    }

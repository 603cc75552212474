"""Queue statistics for the store manager (their hall) and the managers (every hall)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from boss.forms import period_from_request
from boss.models import Hall
from hall.selectors import queue_statistics


@never_cache
@login_required
@permission_required("hall.view_queue_statistics", raise_exception=True)
def statistics(request):
    form, date_from, date_to = period_from_request(request)
    halls = Hall.objects.all() if request.user.spans_halls else Hall.objects.filter(pk=request.user.hall_id)
    stats = queue_statistics(halls=halls, date_from=date_from, date_to=date_to)
    return render(request, "hall/statistics.html", {"form": form, "stats": stats, "date_from": date_from,
                                                    "date_to": date_to})

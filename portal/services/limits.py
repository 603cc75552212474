"""Limits per customer per hour on what a signed-in customer sends (chat messages, complaints): ASVS 2 rate
limits, tariff parameters, the refusal naming the time the next one is allowed."""

from datetime import datetime, timedelta

from django.utils import timezone

from portal.errors import PortalRateLimitedError


def hourly_cap_check(*, times: list[datetime], cap: int, now: datetime, message: str) -> None:
    """Refuse when `cap` (a tariff; 0: no cap) things were done within the hour before `now` (`times`: when
    each was done); the refusal names the time the next one is allowed ("%(time)s" in `message`).
    Raises PortalRateLimitedError."""
    hour = timedelta(hours=1)
    recent = sorted((at for at in times if at > now - hour), reverse=True)
    if cap and len(recent) >= cap:
        until = recent[cap - 1] + hour
        raise PortalRateLimitedError(message % {"time": f"{timezone.localtime(until):%H:%M}"},
                                     until=until.isoformat())

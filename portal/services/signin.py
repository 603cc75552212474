"""Sign-in to the web self-service portal (issue 17): mobile number + service password, then a one-time code
sent by SMS through the notifications channel.

- Codes: 6 random digits, valid `portal.code_minutes`, used once, at most `portal.code_tries` wrong tries;
  stored only as an HMAC under the server's secret (a reader of the table cannot recover them).
- Lockout: every failed step (wrong password, unknown number, wrong code) counts against the number and the
  client address; `portal.max_failures` (per number) or `portal.max_failures_per_address` failures within
  `portal.lockout_minutes` lock that subject until the newest failure is that old. A success clears the
  number's failures.
- No user enumeration: an unknown number, a cancelled line and a wrong password give one answer, after the
  same password-hash work.
- No number or code in any log line or audit value (numbers masked).
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from boss.audit import audit_record
from boss.locks import lock
from boss.masking import mask_msisdn
from boss.tariffs import tariff
from customers.identity import msisdn_normalize
from customers.models import Line
from customers.passwords import service_password_check, service_password_seal
from notifications.services import notification_queue
from portal.errors import (
    CodeResendTooSoonError,
    CodeSendsCappedError,
    SignInCodeError,
    SignInCodeSpentError,
    SignInLockedError,
    SignInRefusedError,
)
from portal.models import SignInCode, SignInFailure
from portal.services.channel import web_actor

CODE_DIGITS = 6
# Lines that may sign in: every state in which the customer still holds the number.
SIGNIN_STATES = (Line.Status.ACTIVE, Line.Status.SUSPENDED_REQUEST, Line.Status.SUSPENDED_LOSS,
                 Line.Status.SUSPENDED_ARREARS, Line.Status.PENDING_CANCELLATION)
# Made once per hash key: what an unknown number's password is checked against (see _dummy_hash).
_DUMMY_HASH: dict[str, str] = {}


def _keyed(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def code_hash(*, code_id: int, code: str) -> str:
    return _keyed(f"portal-code:{code_id}:{code}")


def _subjects(*, msisdn: str, client_ip: str | None) -> list[tuple[str, str]]:
    subjects: list[tuple[str, str]] = [(SignInFailure.Subject.NUMBER.value, _keyed(f"portal-number:{msisdn}"))]
    if client_ip:
        subjects.append((SignInFailure.Subject.ADDRESS.value, _keyed(f"portal-address:{client_ip}")))
    return subjects


@dataclass(frozen=True)
class Lockout:
    until: datetime


def signin_lockout(*, msisdn: str, client_ip: str | None, now: datetime | None = None) -> Lockout | None:
    """The lockout in force for this number or this client address, or None (one query)."""
    now = now or timezone.now()
    window = timedelta(minutes=tariff("portal.lockout_minutes"))
    limits: dict[str, int] = {SignInFailure.Subject.NUMBER.value: tariff("portal.max_failures"),
                              SignInFailure.Subject.ADDRESS.value: tariff("portal.max_failures_per_address")}
    subjects = _subjects(msisdn=msisdn, client_ip=client_ip)
    times: dict[str, list[datetime]] = {kind: [] for kind, _ in subjects}
    rows = SignInFailure.objects.filter(failed_at__gt=now - window, subject__in=[s for _, s in subjects])
    wanted = dict(subjects)
    for kind, subject, at in rows.values_list("subject_kind", "subject", "failed_at"):
        if wanted.get(kind) == subject:
            times[kind].append(at)
    until = [max(found) + window for kind, found in times.items() if limits[kind] and len(found) >= limits[kind]]
    return Lockout(until=max(until)) if until else None


def _locked_error(lockout: Lockout) -> SignInLockedError:
    from django.utils.translation import gettext as _

    local = timezone.localtime(lockout.until)
    return SignInLockedError(_("Too many failed attempts: sign-in is locked until %(time)s. Try again then.")
                             % {"time": f"{local:%H:%M}"}, until=lockout.until.isoformat())


def _fail(*, msisdn: str, client_ip: str | None, action: str, line: Line | None) -> None:
    """Count a failure against the number and the address (committed even though the step is refused)."""
    with transaction.atomic():
        SignInFailure.objects.bulk_create([SignInFailure(subject_kind=kind, subject=subject)
                                           for kind, subject in _subjects(msisdn=msisdn, client_ip=client_ip)])
        audit_record(actor=web_actor(hall=None), action=action, target=line,
                     after={"number": mask_msisdn(msisdn)})


def _dummy_hash() -> str:
    """A service-password hash of the kind a real line holds now (the keyed hash under the current key, from
    `customers.passwords`), of a random password nobody knows: checking against it is the same work as checking
    a real line's password, so an unknown number answers as fast as a known one (no timing enumeration). It
    follows the key: a rotation makes a new one."""
    key_id = settings.BOSS_HASH_KEY_ID
    if key_id not in _DUMMY_HASH:
        _DUMMY_HASH[key_id] = service_password_seal(secrets.token_hex(16))
    return _DUMMY_HASH[key_id]


def _check_password_or_waste_time(line: Line | None, password: str) -> bool:
    if line is None or not line.service_password:
        service_password_check(password, _dummy_hash())
        return False
    return service_password_check(password, line.service_password)


def signin_start(*, msisdn: str, password: str, client_ip: str | None, kiosk: bool = False) -> SignInCode:
    """Check the number and the service password; send a one-time code by SMS. Returns the code's record
    (its id goes into the customer's session; the code itself only to the phone).

    Raises BadMobileNumberError (not a mobile number), SignInLockedError (with the time it ends),
    SignInRefusedError (unknown number, no live line, or wrong password: one answer).
    """
    msisdn = msisdn_normalize(msisdn)
    lockout = signin_lockout(msisdn=msisdn, client_ip=client_ip)
    if lockout is not None:
        raise _locked_error(lockout)
    line = (Line.objects.filter(msisdn=msisdn, status__in=SIGNIN_STATES).select_related("hall")
            .order_by("-pk").first())
    if not _check_password_or_waste_time(line, password):
        _fail(msisdn=msisdn, client_ip=client_ip, action="portal.signin_refused", line=line)
        raise SignInRefusedError()
    assert line is not None
    return _code_send(line=line, client_ip=client_ip, kiosk=kiosk)


def _code_send_limits(*, line: Line, now: datetime) -> None:
    """A code goes to a number at most once per `portal.code_resend_seconds` and `portal.codes_per_hour` times
    an hour (a right password does not make the phone an SMS cannon). The caller holds the line's lock.
    Raises CodeResendTooSoonError, CodeSendsCappedError, each with the time the next code can be sent."""
    from django.utils.translation import gettext as _

    hour = timedelta(hours=1)
    wait = timedelta(seconds=tariff("portal.code_resend_seconds"))
    cap = tariff("portal.codes_per_hour")
    sent = list(SignInCode.objects.filter(line=line, created_at__gt=now - max(hour, wait))
                .order_by("-created_at").values_list("created_at", flat=True))
    if sent and wait and sent[0] > now - wait:
        at = timezone.localtime(sent[0] + wait)
        raise CodeResendTooSoonError(_("A new SMS code can be sent at %(time)s.") % {"time": f"{at:%H:%M:%S}"},
                                     until=(sent[0] + wait).isoformat())
    in_hour = [at for at in sent if at > now - hour]
    if cap and len(in_hour) >= cap:
        until = in_hour[cap - 1] + hour     # the oldest of the newest `cap` leaves the hour then
        raise CodeSendsCappedError(_("Too many SMS codes were sent to this number: the next can be sent at "
                                     "%(time)s.") % {"time": f"{timezone.localtime(until):%H:%M}"},
                                   until=until.isoformat())


@transaction.atomic
def _code_send(*, line: Line, client_ip: str | None, kiosk: bool) -> SignInCode:
    now = timezone.now()
    lock(Line.objects.filter(pk=line.pk)).values_list("pk", flat=True).first()   # one sender at a time
    _code_send_limits(line=line, now=now)
    minutes = tariff("portal.code_minutes")
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    record = SignInCode.objects.create(line=line, code_hash="", expires_at=now + timedelta(minutes=minutes),
                                       client_ip=client_ip, kiosk=kiosk)
    record.code_hash = code_hash(code_id=record.pk, code=code)
    record.save(update_fields=["code_hash"])
    # No hall: the hall's outbox screen never lists a sign-in code.
    notification_queue(template="portal.signin_code", msisdn=line.msisdn,
                       params={"code": code, "minutes": minutes}, key=f"portal.signin:{record.pk}",
                       reference=f"portal-code:{record.pk}")
    audit_record(actor=web_actor(hall=line.hall), action="portal.code_sent", target=line,
                 after={"code": record.pk, "expires_at": record.expires_at.isoformat(), "kiosk": kiosk})
    return record


@transaction.atomic
def signin_code_resend(*, code_id: int, client_ip: str | None) -> SignInCode:
    """Send a new code for the sign-in whose password was right (the earlier code stops working).
    Raises SignInCodeSpentError (nothing to resend: sign in again), CodeResendTooSoonError, CodeSendsCappedError,
    SignInLockedError; a refusal leaves the earlier code working."""
    line_id = SignInCode.objects.filter(pk=code_id).values_list("line_id", flat=True).first()
    if line_id is not None:   # the line first (the one lock order), then the code
        lock(Line.objects.filter(pk=line_id)).values_list("pk", flat=True).first()
    record = lock(SignInCode.objects.filter(pk=code_id)).first()
    if record is None or record.used_at is not None:
        raise SignInCodeSpentError()
    line = Line.objects.select_related("hall").get(pk=record.line_id)
    lockout = signin_lockout(msisdn=line.msisdn, client_ip=client_ip)
    if lockout is not None:
        raise _locked_error(lockout)
    sent = _code_send(line=line, client_ip=client_ip, kiosk=record.kiosk)   # refused: nothing retired
    record.used_at = timezone.now()   # retired: only the newest code of a sign-in works
    record.save(update_fields=["used_at"])
    return sent


def signin_verify(*, code_id: int, code: str, client_ip: str | None) -> Line:
    """Check the SMS code of a sign-in; used once. Returns the line signed in with.

    Raises SignInLockedError, SignInCodeSpentError (expired, used, too many wrong tries), SignInCodeError.
    """
    code = (code or "").strip()
    with transaction.atomic():
        record = lock(SignInCode.objects.filter(pk=code_id)).first()
        if record is None:
            raise SignInCodeSpentError()
        line = Line.objects.select_related("hall", "customer").get(pk=record.line_id)
        lockout = signin_lockout(msisdn=line.msisdn, client_ip=client_ip)
        if lockout is not None:
            raise _locked_error(lockout)
        now = timezone.now()
        if (record.used_at is not None or record.expires_at <= now
                or record.wrong_tries >= tariff("portal.code_tries") or line.status not in SIGNIN_STATES):
            raise SignInCodeSpentError()
        if len(code) == CODE_DIGITS and code.isdigit() and hmac.compare_digest(
                record.code_hash, code_hash(code_id=record.pk, code=code)):
            record.used_at = now
            record.save(update_fields=["used_at"])
            SignInFailure.objects.filter(subject_kind=SignInFailure.Subject.NUMBER,
                                         subject=_subjects(msisdn=line.msisdn, client_ip=None)[0][1]).delete()
            audit_record(actor=web_actor(hall=line.hall), action="portal.signin", target=line,
                         after={"code": record.pk, "kiosk": record.kiosk})
            return line
        record.wrong_tries += 1
        record.save(update_fields=["wrong_tries"])
    _fail(msisdn=line.msisdn, client_ip=client_ip, action="portal.code_refused", line=line)
    raise SignInCodeError()


def signin_simulated_text(*, code_id: int) -> str | None:
    """Development only (the simulated SMS gateway): the text the gateway "sent" for this code, so the
    sign-in screen can show it. None on a real gateway, or before the worker has sent it."""
    if not settings.BOSS_SMS_BACKEND.endswith("SimulatedSmsGateway"):
        return None
    from notifications.models import SimulatedSms

    return SimulatedSms.objects.filter(key=f"portal.signin:{code_id}").values_list("body", flat=True).first()

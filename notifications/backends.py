"""The SMS sender: how the BOSS hands a text to the operator's SMS centre.

`SmsSender.send(key=, msisdn=, text=)` is called outside any database lock, once per attempt, with the
message's idempotency key. It returns a SendResult, or raises SmsRefusedError (nothing was sent: safe to
try again) or SmsUncertainError (the text may have gone out: only a sender that is `idempotent`, i.e. that
recognises a repeated key, is called again; otherwise the message fails rather than go out twice).

settings.BOSS_SMS_BACKEND names the class ("notifications.backends.SimulatedSmsGateway" by default, with
BOSS_SMS_BACKEND_OPTIONS as keyword arguments). The simulated gateway is for development and tests; the
SMPP client talks to a real SMS centre. Neither logs a number or a text.
"""

import random
import re
import time
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SendResult:
    gateway_id: str
    delivered: bool | None = None   # True/False when the gateway reports delivery at once, None: report later


class SmsGatewayError(Exception):
    """The gateway did not take the message."""


class SmsRefusedError(SmsGatewayError):
    """Refused before anything was sent (busy, cannot connect, bind failed): safe to retry."""


class SmsUncertainError(SmsGatewayError):
    """No answer after the text was handed over: it may have been sent."""


class SmsSender(Protocol):
    idempotent: bool

    def send(self, *, key: str, msisdn: str, text: str) -> SendResult: ...


class SimulatedSmsGateway:
    """Keeps what it sends in SimulatedSms (shown on the "Simulated SMS gateway" screen), sends each key at
    most once, and can be slow or unreliable on purpose: failure_rate refuses before sending, lost_reply_rate
    sends and then loses the answer (the caller retries and gets the first send's id back)."""

    idempotent = True

    def __init__(self, *, latency_ms: float = 0, failure_rate: float = 0.0, lost_reply_rate: float = 0.0,
                 rng: random.Random | None = None):
        self.latency = latency_ms / 1000
        self.failure_rate = failure_rate
        self.lost_reply_rate = lost_reply_rate
        self.rng = rng or random.Random()

    def send(self, *, key: str, msisdn: str, text: str) -> SendResult:
        from notifications.models import SimulatedSms, SimulatedSmsCall

        if self.latency:   # half on the way in, half on the way back (a kill in between: sent, not told)
            time.sleep(self.latency / 2)
        if self.rng.random() < self.failure_rate:
            SimulatedSmsCall.objects.create(key=key, outcome="refused")
            raise SmsRefusedError("SMS centre busy")
        try:
            with transaction.atomic():
                sms = SimulatedSms.objects.create(key=key, msisdn=msisdn, body=text)
                SimulatedSmsCall.objects.create(key=key, outcome="sent")
        except IntegrityError:
            SimulatedSmsCall.objects.create(key=key, outcome="already_sent")
            sms = SimulatedSms.objects.get(key=key)
        if self.latency:
            time.sleep(self.latency / 2)
        if self.rng.random() < self.lost_reply_rate:
            raise SmsUncertainError("SMS centre reply lost")
        return SendResult(gateway_id=sms.gateway_id, delivered=True)


class SmppSmsGateway:
    """An SMPP 3.4 transmitter (smpplib): connect, bind, submit_sm per part (UCS-2 for Chinese), unbind.

    Options (settings.BOSS_SMS_BACKEND_OPTIONS): host, port, system_id, password, source_addr, timeout.
    An SMS centre does not recognise a repeated key, so this sender is not idempotent: a message whose
    submission was not answered is failed for an operator to look at, never sent a second time. Delivery
    receipts are requested; `receive_receipts` listens for them (the beat job `notifications-receipts`) and
    `notification_delivery_report` records each: delivered or undelivered.
    """

    idempotent = False

    def __init__(self, *, host: str, port: int = 2775, system_id: str, password: str, source_addr: str,
                 timeout: float = 10):
        self.host, self.port, self.timeout = host, int(port), float(timeout)
        self.system_id, self.password, self.source_addr = system_id, password, source_addr

    def send(self, *, key: str, msisdn: str, text: str) -> SendResult:
        import smpplib.client
        import smpplib.consts
        import smpplib.exceptions
        import smpplib.gsm

        client = smpplib.client.Client(self.host, self.port, timeout=self.timeout,
                                           logger_name="notifications.smpp", allow_unknown_opt_params=True)
        ids: list[str] = []
        client.set_message_sent_handler(lambda pdu: ids.append(pdu.message_id.decode()
                                                               if isinstance(pdu.message_id, bytes)
                                                               else str(pdu.message_id)))
        _smpp_bind(client, client.bind_transmitter, system_id=self.system_id, password=self.password,
                   what="bind")
        try:
            parts, coding, esm_class = smpplib.gsm.make_parts(text)
            for part in parts:
                client.send_message(
                    source_addr_ton=smpplib.consts.SMPP_TON_ALNUM, source_addr=self.source_addr,
                    dest_addr_ton=smpplib.consts.SMPP_TON_INTL, destination_addr=f"86{msisdn}",
                    short_message=part, data_coding=coding, esm_class=esm_class, registered_delivery=True)
                client.read_once(auto_send_enquire_link=False)
        except (OSError, smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError) as exc:
            raise SmsUncertainError(f"SMPP submit not confirmed: {type(exc).__name__}") from None
        finally:
            try:
                client.unbind()
            except Exception:   # the connection is going away anyway
                pass
            client.disconnect()
        return SendResult(gateway_id=",".join(ids))

    def receive_receipts(self, *, seconds: float, on_receipt) -> int:
        """Listen `seconds` for delivery receipts (a receiver bind with the same account) and hand each final
        one to on_receipt(DeliveryReceipt). Raises SmsRefusedError."""
        return _smpp_receive_receipts(self, seconds=seconds, on_receipt=on_receipt)


def _smpp_bind(client, bind, *, system_id: str, password: str, what: str) -> None:
    """Connect and bind (as transmitter or receiver); a refused or unreachable centre is an SmsRefusedError
    naming the step, with the connection closed."""
    import smpplib.exceptions

    try:
        client.connect()
        bind(system_id=system_id, password=password)
    except (OSError, smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError) as exc:
        client.disconnect()
        raise SmsRefusedError(f"SMPP {what} failed: {type(exc).__name__}") from None


# SMPP 3.4 delivery receipts: the message_state TLV's values and the "stat:" words of Appendix B. True:
# delivered, False: not delivered (final), None: not final yet (nothing to record).
_MESSAGE_STATES = {1: "ENROUTE", 2: "DELIVRD", 3: "EXPIRED", 4: "DELETED", 5: "UNDELIV", 6: "ACCEPTD",
                   7: "UNKNOWN", 8: "REJECTD"}
_FINAL = {"DELIVRD": True, "EXPIRED": False, "DELETED": False, "UNDELIV": False, "REJECTD": False}
_RECEIPT_TEXT = re.compile(r"\bid:(?P<id>\S+).*?\bstat:(?P<stat>\w+)(?:.*?\berr:(?P<err>\w+))?", re.I | re.S)


@dataclass(frozen=True)
class DeliveryReceipt:
    gateway_id: str
    delivered: bool
    error: str = ""      # the SMSC's state word and error code, never the text


def _text(value) -> str:
    if value is None:
        return ""
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def delivery_receipt_parse(pdu) -> DeliveryReceipt | None:
    """The receipt in a deliver_sm: the receipted_message_id and message_state TLVs when the SMSC sends them,
    else the "id:… stat:… err:…" text of SMPP 3.4 Appendix B. None for an ordinary incoming message, a
    receipt that is not final (ENROUTE, ACCEPTD, UNKNOWN) or one without a message id."""
    if getattr(pdu, "command", "") != "deliver_sm" or not (int(getattr(pdu, "esm_class", 0) or 0) & 0x04):
        return None
    gateway_id = _text(getattr(pdu, "receipted_message_id", None)).strip("\x00").strip()
    state = _MESSAGE_STATES.get(getattr(pdu, "message_state", None) or 0, "")
    match = _RECEIPT_TEXT.search(_text(getattr(pdu, "short_message", b"")))
    err = ""
    if match:
        gateway_id = gateway_id or match["id"]
        state = state or match["stat"].upper()
        err = match["err"] or ""
    if not gateway_id or state not in _FINAL:
        return None
    delivered = _FINAL[state]
    return DeliveryReceipt(gateway_id=gateway_id, delivered=delivered,
                           error="" if delivered else f"{state} err:{err}" if err else state)


def _smpp_receive_receipts(gateway: "SmppSmsGateway", *, seconds: float, on_receipt) -> int:
    """Bind as a receiver and hand every delivery receipt that arrives within `seconds` to on_receipt; every
    deliver_sm is acknowledged (smpplib answers deliver_sm_resp). Returns how many receipts were handed on.
    Raises SmsRefusedError when the SMS centre cannot be reached or refuses the bind."""
    import smpplib.client
    import smpplib.exceptions

    client = smpplib.client.Client(gateway.host, gateway.port, timeout=min(gateway.timeout, max(seconds, 0.1)),
                                   logger_name="notifications.smpp", allow_unknown_opt_params=True)
    receipts: list[DeliveryReceipt] = []

    def received(pdu, **kwargs):
        receipt = delivery_receipt_parse(pdu)
        if receipt is not None:
            on_receipt(receipt)
            receipts.append(receipt)

    client.set_message_received_handler(received)
    _smpp_bind(client, client.bind_receiver, system_id=gateway.system_id, password=gateway.password,
               what="receiver bind")
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            try:
                client.read_once(auto_send_enquire_link=False)
            except TimeoutError:
                continue
    except (OSError, smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError):
        pass            # the centre hung up: what was received is recorded, the next session goes on
    finally:
        try:
            client.unbind()
        except Exception:   # the connection is going away anyway
            pass
        client.disconnect()
    return len(receipts)


@cache
def get_sender() -> SmsSender:
    cls = import_string(settings.BOSS_SMS_BACKEND)
    return cls(**settings.BOSS_SMS_BACKEND_OPTIONS)

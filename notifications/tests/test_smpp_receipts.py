"""SMPP delivery receipts: the real sender's messages move past "sent". A tiny fake SMS centre on a local socket
takes the receiver bind, sends deliver_sm receipts (one as Appendix B text, one with the TLVs for a part of a
long message, one for an unknown id, one not final) and checks each is acknowledged; the receipts job sets
delivered and undelivered, once."""

import socket
import struct
import threading

import pytest

from notifications.backends import delivery_receipt_parse, get_sender
from notifications.models import SmsMessage
from notifications.services import notification_queue, notifications_receive_receipts

pytestmark = pytest.mark.django_db

BIND_RECEIVER, BIND_RECEIVER_RESP = 0x00000001, 0x80000001
DELIVER_SM, DELIVER_SM_RESP = 0x00000005, 0x80000005
UNBIND, UNBIND_RESP = 0x00000006, 0x80000006


def _pdu(command: int, sequence: int, body: bytes = b"", status: int = 0) -> bytes:
    return struct.pack(">LLLL", 16 + len(body), command, status, sequence) + body


def _cstr(value: str) -> bytes:
    return value.encode() + b"\x00"


def _deliver_sm(text: str = "", tlvs: bytes = b"") -> bytes:
    short = text.encode()
    return (_cstr("") + bytes([1, 1]) + _cstr("8613912345678") + bytes([5, 0]) + _cstr("10086")
            + bytes([0x04, 0, 0]) + _cstr("") + _cstr("") + bytes([0, 0, 0, 0, len(short)]) + short + tlvs)


def _tlv(tag: int, value: bytes) -> bytes:
    return struct.pack(">HH", tag, len(value)) + value


class FakeSmsc(threading.Thread):
    """One session: answer the receiver bind, send the given deliver_sm bodies, read an answer to each, answer
    the unbind. Records what the client sent."""

    def __init__(self, receipts: list[bytes]):
        super().__init__(daemon=True)
        self.receipts = receipts
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(1)
        self.port = self.server.getsockname()[1]
        self.seen: list[tuple[int, int, int]] = []     # (command, status, sequence) from the client
        self.bind_body = b""

    def _read(self, conn) -> tuple[int, int, int, bytes]:
        head = b""
        while len(head) < 16:
            chunk = conn.recv(16 - len(head))
            if not chunk:
                raise ConnectionError
            head += chunk
        length, command, status, sequence = struct.unpack(">LLLL", head)
        body = b""
        while len(body) < length - 16:
            body += conn.recv(length - 16 - len(body))
        self.seen.append((command, status, sequence))
        return command, status, sequence, body

    def run(self):
        conn, _ = self.server.accept()
        conn.settimeout(10)
        with conn:
            command, _status, sequence, self.bind_body = self._read(conn)
            if command != BIND_RECEIVER:
                return
            conn.sendall(_pdu(BIND_RECEIVER_RESP, sequence, _cstr("FAKESMSC")))
            for i, body in enumerate(self.receipts, start=100):
                conn.sendall(_pdu(DELIVER_SM, i, body))
                self._read(conn)                                     # the deliver_sm_resp
            try:
                command, _status, sequence, _body = self._read(conn)
            except (ConnectionError, OSError):
                return
            if command == UNBIND:
                conn.sendall(_pdu(UNBIND_RESP, sequence))
        self.server.close()


def _sent(key: str, gateway_id: str) -> SmsMessage:
    msg = notification_queue(template="notifications.test", msisdn="13912345678", params={"hall": "甲营业厅"},
                             key=key)
    SmsMessage.objects.filter(pk=msg.pk).update(state=SmsMessage.State.SENT, gateway_id=gateway_id)
    return msg


@pytest.fixture
def smpp(settings):
    def configure(port: int):
        settings.BOSS_SMS_BACKEND = "notifications.backends.SmppSmsGateway"
        settings.BOSS_SMS_BACKEND_OPTIONS = {"host": "127.0.0.1", "port": port, "system_id": "boss",
                                             "password": "secret", "source_addr": "10086", "timeout": 2}
        get_sender.cache_clear()
    yield configure
    get_sender.cache_clear()


def test_the_receipts_job_sets_delivered_and_undelivered_from_the_sms_centre(smpp):
    single = _sent("test:single", "MSG1")
    long_one = _sent("test:long", "MSG2,MSG3")
    waiting = _sent("test:waiting", "MSG4")
    smsc = FakeSmsc([
        _deliver_sm("id:MSG1 sub:001 dlvrd:001 submit date:2612061200 done date:2612061201 stat:DELIVRD err:000 "
                    "text:"),
        _deliver_sm(tlvs=_tlv(0x001E, _cstr("MSG3")) + _tlv(0x0427, bytes([5]))),       # UNDELIVERABLE
        _deliver_sm("id:NOPE sub:001 dlvrd:001 submit date:2612061200 done date:2612061201 stat:DELIVRD err:000"),
        _deliver_sm("id:MSG4 sub:001 dlvrd:000 submit date:2612061200 done date:2612061201 stat:ACCEPTD err:000"),
    ])
    smsc.start()
    smpp(smsc.port)
    assert notifications_receive_receipts(seconds=1.5) == 2
    smsc.join(5)
    single.refresh_from_db()
    long_one.refresh_from_db()
    waiting.refresh_from_db()
    assert single.state == SmsMessage.State.DELIVERED and single.delivered_at is not None
    assert long_one.state == SmsMessage.State.UNDELIVERED and long_one.last_error == "UNDELIV"
    assert waiting.state == SmsMessage.State.SENT             # not final yet
    # The receiver bound with the account, and every deliver_sm was acknowledged with ESME_ROK.
    assert smsc.bind_body.startswith(b"boss\x00secret\x00")
    answers = [(c, st, seq) for c, st, seq in smsc.seen if c == DELIVER_SM_RESP]
    assert answers == [(DELIVER_SM_RESP, 0, seq) for seq in range(100, 104)]


def test_a_receipt_repeated_changes_nothing(smpp):
    msg = _sent("test:once", "MSG9")
    receipt = _deliver_sm("id:MSG9 sub:001 dlvrd:001 submit date:2612061200 done date:2612061201 stat:DELIVRD err:000")
    smsc = FakeSmsc([receipt, receipt])
    smsc.start()
    smpp(smsc.port)
    assert notifications_receive_receipts(seconds=1.5) == 1
    smsc.join(5)
    msg.refresh_from_db()
    assert msg.state == SmsMessage.State.DELIVERED


def test_an_unreachable_centre_records_nothing_and_the_simulator_has_nothing_to_listen_to(smpp, sms_gateway):
    assert notifications_receive_receipts(seconds=0.5) == 0          # the simulated gateway
    msg = _sent("test:unreached", "MSG5")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]                                     # nobody listens there
    smpp(port)
    assert notifications_receive_receipts(seconds=0.5) == 0
    msg.refresh_from_db()
    assert msg.state == SmsMessage.State.SENT


def test_an_ordinary_incoming_message_is_not_a_receipt():
    class Pdu:
        command, esm_class, short_message = "deliver_sm", 0, b"id:MSG1 stat:DELIVRD"

    assert delivery_receipt_parse(Pdu()) is None
    Pdu.esm_class = 0x04
    assert delivery_receipt_parse(Pdu()).delivered is True

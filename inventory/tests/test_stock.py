"""CSV import into stock and the pool; issuing a SIM card; redeeming a recharge card once."""

import io
from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone
from django.utils.crypto import salted_hmac
from stdnum import luhn

from boss.errors import NotPermitted
from boss.models import AuditEvent
from boss.tests.factories import HallFactory
from inventory.errors import (
    ImportRefusedError,
    RechargeCardInvalidError,
    RechargeCardUnusableError,
    RechargeCardUsedError,
    SimCardUnavailableError,
)
from inventory.models import Handset, NumberResource, RechargeCard, SimCard, StockImport
from inventory.services.stock import recharge_card_redeem, recharge_pin_hash, sim_card_assign, stock_import
from inventory.tests.factories import HandsetModelFactory

pytestmark = pytest.mark.django_db
FUTURE = (date.today() + timedelta(days=365)).isoformat()


def _imei(body14: str) -> str:
    return body14 + luhn.calc_check_digit(body14)


def _sim(i: int, capacity: str = "usim") -> str:
    return f"8986000000000000{i:04d},46000000000{i:04d},{capacity}"


# --------------------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------------------


def test_good_lines_are_kept_bad_ones_reported_by_line_and_duplicates_skipped(rep):
    SimCard.objects.create(iccid="89860000000000000009", imsi="460000000000009", capacity="usim", hall=rep.hall)
    csv = "\n".join([
        "iccid,imsi,capacity",           # line 1
        _sim(1),                          # 2 good
        "8986000000000000000X,460000000000002,usim",   # 3 bad ICCID
        _sim(3, "256k"),                  # 4 bad capacity
        "",                               # 5 empty: ignored
        _sim(1),                          # 6 duplicate in the file
        _sim(9),                          # 7 already in stock
        "89860000000000000010,460000000000010",        # 8 a column missing
        _sim(11, "64K"),                  # 9 good (capacity in capitals)
    ])
    batch = stock_import(actor=rep, kind="sim", data=csv, filename="delivery.csv")
    assert (batch.created_count, batch.duplicate_count, batch.error_count) == (2, 2, 3)
    assert [line for line, _msg in batch.report["errors"]] == [3, 4, 8]
    assert batch.report["duplicates"] == [[6, "89860000000000000001"], [7, "89860000000000000009"]]
    assert "ICCID无效" in batch.report["errors"][0][1]
    sims = SimCard.objects.filter(batch=batch).order_by("iccid")
    assert [(s.iccid, s.capacity, s.hall, s.status) for s in sims] == [
        ("89860000000000000001", "usim", rep.hall, "in_stock"), ("89860000000000000011", "64k", rep.hall, "in_stock")]
    event = AuditEvent.objects.get(action="stock.import")
    assert event.after == {"kind": "sim", "file": "delivery.csv", "added": 2, "duplicates": 2, "refused": 3}


@pytest.mark.parametrize("header", ["", "iccid,imsi", "iccid,imsi,capacity,colour", "iccid,iccid,imsi,capacity"])
def test_a_file_without_the_right_header_is_refused_and_nothing_is_written(rep, header):
    with pytest.raises(ImportRefusedError) as exc:
        stock_import(actor=rep, kind="sim", data=header + "\n" + _sim(1))
    assert exc.value.code == "import_refused"
    assert SimCard.objects.count() == 0 and StockImport.objects.count() == 0
    assert not AuditEvent.objects.filter(action="stock.import").exists()


def test_a_gb18030_file_from_chinese_excel_is_read(rep):
    HandsetModelFactory()
    data = ("imei,model\n" + _imei("86000000000001") + ",MI-14\n" + "坏行,MI-14\n").encode("gb18030")
    batch = stock_import(actor=rep, kind="handset", data=data)
    assert batch.created_count == 1 and batch.report["errors"][0][0] == 3


def test_handsets_need_a_valid_imei_and_a_known_model(rep):
    HandsetModelFactory()
    csv = "model,imei\nMI-14," + _imei("86000000000001") + "\nMI-14,860000000000019\nNOPE," + _imei("86000000000002")
    batch = stock_import(actor=rep, kind="handset", data=csv)
    assert batch.created_count == 1
    assert [line for line, _m in batch.report["errors"]] == [3, 4]
    assert Handset.objects.get().model.code == "MI-14"


def test_recharge_cards_keep_only_a_keyed_hash_of_the_pin(rep):
    csv = f"serial,pin,face_value,valid_until\n10000000000000001,123456789012345678,50.00,{FUTURE}\n" \
          f"10000000000000002,12345,50.00,{FUTURE}\n10000000000000003,123456789012345679,0.00,{FUTURE}\n" \
          f"10000000000000004,123456789012345670,50,2020-01-01\n"
    batch = stock_import(actor=rep, kind="recharge_card", data=csv)
    assert (batch.created_count, batch.error_count) == (1, 3)
    card = RechargeCard.objects.get()
    assert "123456789012345678" not in card.pin_hash and card.pin_hash.startswith("hmac_sha256$s0$")
    assert card.pin_hash == recharge_pin_hash(serial=card.serial, pin="123456789012345678")
    assert "123456789012345678" not in str(batch.report) and "123456789012345678" not in str(
        AuditEvent.objects.get(action="stock.import").after)


def test_numbers_enter_the_pool_graded_once_and_foreign_segments_are_refused(rep, reference):
    csv = ("msisdn,operator\n13912358888,\n+86 139-1235-1122,cmcc\n13312345678,\n17031234567,\n1391235,\n"
           "13912350001,xx\n")
    batch = stock_import(actor=rep, kind="number", data=csv)
    assert batch.created_count == 2 and batch.hall is None
    assert [line for line, _m in batch.report["errors"]] == [4, 5, 6, 7]
    graded = dict(NumberResource.objects.values_list("msisdn", "grade__code"))
    assert graded == {"13912358888": "special", "13912351122": "level3"}


@pytest.mark.postgres
def test_the_duplicate_check_looks_numbers_up_without_bitmap_scans_and_restores_them(rep, reference):
    """The trigram index answers `=` too and is very slow for a long IN list: the duplicate check runs with
    bitmap scans off (the only way to read a GIN index), and they are on again after it."""
    from django.db import connection

    seen = []

    def watch(execute, sql, params, many, context):
        if "inventory_numberresource" in sql and '"msisdn" IN' in sql:
            with context["connection"].connection.cursor() as raw:
                raw.execute("SHOW enable_bitmapscan")
                seen.append(raw.fetchone()[0])
        return execute(sql, params, many, context)

    stock_import(actor=rep, kind="number", data="msisdn\n13912358888\n")
    with connection.execute_wrapper(watch):
        batch = stock_import(actor=rep, kind="number", data="msisdn\n13912358888\n13912351122\n")
    assert batch.created_count == 1 and batch.duplicate_count == 1
    assert seen == ["off"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_bitmapscan")
        assert cursor.fetchone()[0] == "on"


def test_stock_goes_to_the_actors_hall_and_not_to_another_one(rep, other_hall):
    with pytest.raises(NotPermitted):
        stock_import(actor=rep, kind="sim", data="iccid,imsi,capacity\n" + _sim(1), hall=other_hall)
    assert SimCard.objects.count() == 0 and StockImport.objects.count() == 0


def test_a_role_spanning_halls_imports_into_any_hall(make_staff, other_hall):
    admin = make_staff("admin", username="adm", hall=None)
    batch = stock_import(actor=admin, kind="sim", data="iccid,imsi,capacity\n" + _sim(1), hall=other_hall)
    assert SimCard.objects.get().hall == other_hall and batch.hall == other_hall
    with pytest.raises(ImportRefusedError):
        stock_import(actor=admin, kind="sim", data="iccid,imsi,capacity\n" + _sim(2))  # no hall chosen


# --------------------------------------------------------------------------------------------------
# SIM cards and recharge cards
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def sim(rep):
    return SimCard.objects.create(iccid="89860000000000000001", imsi="460000000000001", capacity="usim", hall=rep.hall)


def test_a_sim_card_in_stock_is_issued_once(rep, sim):
    issued = sim_card_assign(actor=rep, iccid=sim.iccid)
    assert issued.status == "assigned" and issued.assigned_at is not None
    with pytest.raises(SimCardUnavailableError) as exc:
        sim_card_assign(actor=rep, iccid=sim.iccid)
    assert exc.value.code == "sim_unavailable" and AuditEvent.objects.filter(action="sim.assign").count() == 1


def test_a_sim_card_of_another_hall_is_not_issued(make_staff, sim):
    other = make_staff("sales_rep", username="rep_x", hall=HallFactory(code="HX"))
    with pytest.raises(NotPermitted):
        sim_card_assign(actor=other, iccid=sim.iccid)
    assert SimCard.objects.get(pk=sim.pk).status == "in_stock"


@pytest.fixture
def card(rep):
    return RechargeCard.objects.create(serial="10000000000000001", face_value="50.00", hall=rep.hall,
                                       pin_hash=recharge_pin_hash(serial="10000000000000001", pin="1234567890123456"),
                                       valid_until=date.today() + timedelta(days=30))


def test_a_recharge_card_is_redeemed_exactly_once(rep, make_staff, card):
    redeemed = recharge_card_redeem(actor=rep, serial=card.serial, pin="1234567890123456", msisdn="13912345670")
    assert redeemed.status == "redeemed" and redeemed.redeemed_by == rep and redeemed.redeemed_for == "13912345670"
    with pytest.raises(RechargeCardUsedError) as exc:
        recharge_card_redeem(actor=make_staff("sales_rep", username="rep_b"), serial=card.serial,
                             pin="1234567890123456")
    assert exc.value.code == "recharge_card_used" and exc.value.status == 409
    assert AuditEvent.objects.filter(action="recharge_card.redeem").count() == 1


def test_a_card_hashed_before_key_ids_still_redeems(rep, settings):
    """Cards imported before the keyed hash had key ids: hmac_sha256$<digest> under SECRET_KEY (key s0)."""
    settings.BOSS_HASH_KEYS, settings.BOSS_HASH_KEY_ID = {}, "s0"
    digest = salted_hmac("orders.recharge_card.pin", "10000000000000002:1234567890123456", secret=settings.SECRET_KEY,
                         algorithm="sha256").hexdigest()
    card = RechargeCard.objects.create(serial="10000000000000002", face_value="50.00", hall=rep.hall,
                                       pin_hash=f"hmac_sha256${digest}", valid_until=date.today() + timedelta(days=30))
    with pytest.raises(RechargeCardInvalidError):
        recharge_card_redeem(actor=rep, serial=card.serial, pin="1234567890123450")
    assert recharge_card_redeem(actor=rep, serial=card.serial, pin="1234567890123456").status == "redeemed"


@pytest.mark.parametrize("serial, pin", [("10000000000000001", "1234567890123450"),
                                        ("19999999999999999", "1234567890123456")])
def test_a_wrong_pin_or_serial_gives_one_message_and_nothing_is_written(rep, card, serial, pin):
    with pytest.raises(RechargeCardInvalidError) as exc:
        recharge_card_redeem(actor=rep, serial=serial, pin=pin)
    assert exc.value.code == "recharge_card_invalid" and str(exc.value.message) == "充值卡序列号或密码错误。"
    assert RechargeCard.objects.get(pk=card.pk).status == "active"
    assert not AuditEvent.objects.filter(action="recharge_card.redeem").exists()


def test_a_card_past_its_date_cannot_be_used(rep, card):
    with time_machine.travel(timezone.now() + timedelta(days=31)), pytest.raises(RechargeCardUnusableError):
        recharge_card_redeem(actor=rep, serial=card.serial, pin="1234567890123456")
    assert RechargeCard.objects.get(pk=card.pk).status == "active"


def test_after_a_rule_change_the_free_numbers_are_graded_again_and_the_others_keep_their_grade(rep, reference):
    from catalog.models import NumberGradeRule
    from inventory.services.stock import numbers_regrade

    stock_import(actor=rep, kind="number",
                 data="msisdn\n13912351122\n13912352233\n13912353366\n13912355577\n13912356677\n13912357788\n"
                      "13912357120\n")
    now = timezone.now()
    pool = NumberResource.objects
    pool.filter(msisdn="13912352233").update(status="reserved", reserved_until=now + timedelta(minutes=20))
    pool.filter(msisdn="13912353366").update(status="reserved", reserved_until=now - timedelta(minutes=1))
    pool.filter(msisdn="13912355577").update(status="assigned")
    pool.filter(msisdn="13912356677").update(status="frozen", frozen_until=now + timedelta(days=30))
    pool.filter(msisdn="13912357788").update(status="reserved", reserved_until=now - timedelta(minutes=1),
                                             frozen_until=now + timedelta(days=30))  # taken back, lapsed: cooling
    assert set(pool.values_list("grade__code", flat=True).exclude(msisdn="13912357120")) == {"level3"}

    NumberGradeRule.objects.filter(code="AABB").update(active=False)
    result = numbers_regrade(actor=rep, batch_size=2)

    graded = dict(pool.values_list("msisdn", "grade__code"))
    assert graded["13912351122"] == graded["13912353366"] == graded["13912357120"]  # free, lapsed: regraded
    assert graded["13912351122"] != "level3"
    assert graded["13912352233"] == graded["13912355577"] == graded["13912356677"] == "level3"  # kept
    assert graded["13912357788"] == "level3"
    assert (result.checked, result.changed) == (3, 2)
    assert pool.get(msisdn="13912351122").pattern != "AABB"
    assert numbers_regrade(actor=rep).changed == 0
    assert list(AuditEvent.objects.filter(action="numbers.regrade").order_by("pk").values_list("after", flat=True)) == [
        {"checked": 3, "changed": 2}, {"checked": 3, "changed": 0}]


def test_the_regrade_command_reports_what_it_did(rep, reference):
    from django.core.management import call_command

    from catalog.models import NumberGradeRule

    stock_import(actor=rep, kind="number", data="msisdn\n13912351122\n")
    NumberGradeRule.objects.filter(code="AABB").update(active=False)
    out = io.StringIO()
    call_command("numbers_regrade", stdout=out)
    assert out.getvalue().strip() == "checked 1, changed 1"

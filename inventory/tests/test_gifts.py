"""Points gifts in the stock of the redemption halls: the delivery CSV, the count, the take and put-back the
redemption uses, the screens and the API. The quantity never goes below zero (lock and CHECK)."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from boss.errors import NotPermitted
from boss.models import AuditEvent
from boss.tests.factories import HallFactory
from inventory.errors import GiftOutOfStockError, GiftStockCountError, ImportRefusedError, NotRedemptionHallError
from inventory.models import Gift, GiftStock, GiftStockMovement, StockImport
from inventory.selectors import gifts_in_stock_at
from inventory.services.gifts import gift_stock_count, gift_stock_put_back, gift_stock_take
from inventory.services.stock import stock_import

pytestmark = pytest.mark.django_db
def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


PNG = _png()


@pytest.fixture
def redemption_hall(hall):
    hall.redemption_hall = True
    hall.save(update_fields=["redemption_hall"])
    return hall


def make_gift(code="MUG", points=500, **kw):
    kw.setdefault("name", "保温杯")
    kw.setdefault("valid_from", date.today() - timedelta(days=30))
    return Gift.objects.create(code=code, points=points, **kw)


@pytest.fixture
def gifts(db):
    return make_gift("MUG", 500), make_gift("UMB", 800, name="雨伞")


@pytest.fixture
def manager(make_staff):
    return make_staff("store_manager", username="sm_a")


def test_a_delivery_is_received_line_by_line_with_the_bad_lines_reported(redemption_hall, gifts, manager):
    batch = stock_import(actor=manager, kind="gift", data="gift,quantity,note\nMUG,10,第一批\nUMB,3,\nXXX,2,\n"
                                                            "MUG,0,\nMUG,abc,\nMUG,5,补货\n", filename="d.csv")
    assert batch.kind == StockImport.Kind.GIFT and batch.hall == redemption_hall
    assert batch.created_count == 18 and batch.error_count == 3
    assert [line for line, _reason in batch.report["errors"]] == [4, 5, 6]
    assert "XXX" in batch.report["errors"][0][1]
    mug = GiftStock.objects.get(gift=gifts[0], hall=redemption_hall)
    assert mug.quantity == 15
    movement = mug.movements.get()
    assert (movement.kind, movement.delta, movement.quantity_after, movement.batch) == ("receive", 15, 15, batch)
    assert AuditEvent.objects.filter(action="gift_stock.receive").count() == 1


def test_only_a_redemption_hall_receives_gifts_and_nothing_is_written(hall, gifts, manager):
    with pytest.raises(NotRedemptionHallError) as exc:
        stock_import(actor=manager, kind="gift", data="gift,quantity\nMUG,10\n")
    assert "兑奖" in str(exc.value.message) or "redemption" in str(exc.value.message)
    assert not StockImport.objects.exists() and not GiftStock.objects.exists()


def test_a_file_without_the_columns_is_refused(redemption_hall, gifts, manager):
    with pytest.raises(ImportRefusedError):
        stock_import(actor=manager, kind="gift", data="code,count\nMUG,10\n")
    assert not StockImport.objects.exists() and not GiftStock.objects.exists()


def test_another_halls_stock_is_refused(redemption_hall, other_hall, gifts, manager):
    other_hall.redemption_hall = True
    other_hall.save()
    with pytest.raises(NotPermitted):
        stock_import(actor=manager, kind="gift", data="gift,quantity\nMUG,10\n", hall=other_hall)
    assert not GiftStock.objects.exists()


def test_a_count_sets_the_stock_and_records_the_difference(redemption_hall, gifts, manager):
    stock_import(actor=manager, kind="gift", data="gift,quantity\nMUG,10\n")
    movement = gift_stock_count(actor=manager, gift=gifts[0], hall=redemption_hall, counted=8, note="破损两只")
    assert (movement.kind, movement.delta, movement.quantity_after) == ("count", -2, 8)
    assert GiftStock.objects.get(gift=gifts[0]).quantity == 8
    with pytest.raises(GiftStockCountError):
        gift_stock_count(actor=manager, gift=gifts[0], hall=redemption_hall, counted=-1)
    assert GiftStock.objects.get(gift=gifts[0]).quantity == 8 and GiftStockMovement.objects.count() == 2


def test_take_refuses_the_last_but_one_and_put_back_returns_it(redemption_hall, gifts, manager, rep):
    stock_import(actor=manager, kind="gift", data="gift,quantity\nMUG,1\n")
    with transaction.atomic():
        gift_stock_take(actor=rep, gift=gifts[0], hall=redemption_hall, reference="redemption:1")
    with pytest.raises(GiftOutOfStockError) as exc:
        with transaction.atomic():
            gift_stock_take(actor=rep, gift=gifts[0], hall=redemption_hall, reference="redemption:2")
    assert exc.value.code == "gift_out_of_stock"
    with pytest.raises(GiftOutOfStockError):   # never received at all
        with transaction.atomic():
            gift_stock_take(actor=rep, gift=gifts[1], hall=redemption_hall, reference="redemption:3")
    assert GiftStock.objects.get(gift=gifts[0]).quantity == 0 and GiftStockMovement.objects.count() == 2
    with transaction.atomic():
        gift_stock_put_back(actor=rep, gift=gifts[0], hall=redemption_hall, reference="return:1")
    assert GiftStock.objects.get(gift=gifts[0]).quantity == 1


def test_the_database_refuses_a_negative_stock_and_a_changed_movement(redemption_hall, gifts, manager):
    stock_import(actor=manager, kind="gift", data="gift,quantity\nMUG,1\n")
    with pytest.raises(IntegrityError), transaction.atomic():
        GiftStock.objects.filter(gift=gifts[0]).update(quantity=-1)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        GiftStockMovement.objects.get().save()


def test_the_catalogue_at_a_hall_lists_what_is_in_stock_and_redeemable(redemption_hall, gifts, manager):
    old = make_gift("OLD", 100, valid_from=date.today() - timedelta(days=60), valid_until=date.today() - timedelta(1))
    stock_import(actor=manager, kind="gift", data="gift,quantity\nMUG,2\nOLD,5\n")
    listed = gifts_in_stock_at(hall=redemption_hall, today=date.today())
    assert [(g.code, g.in_stock) for g in listed] == [("MUG", 2)]
    assert old.pk not in [g.pk for g in listed]


def test_the_stock_screens_and_the_count_form(client, redemption_hall, gifts, manager, django_assert_max_num_queries):
    gifts[0].picture, gifts[0].picture_type = PNG, "image/png"
    gifts[0].save()
    stock_import(actor=manager, kind="gift", data="gift,quantity\nMUG,4\nUMB,2\n")
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("inventory:gift_stock_list"))
    assert page.status_code == 200 and "保温杯" in page.content.decode() and "雨伞" in page.content.decode()
    stock = GiftStock.objects.get(gift=gifts[0])
    page = client.post(reverse("inventory:gift_stock_detail", args=[stock.pk]), {"counted": "3", "note": "盘点"})
    assert page.status_code == 302
    stock.refresh_from_db()
    assert stock.quantity == 3
    page = client.post(reverse("inventory:gift_stock_detail", args=[stock.pk]), {"counted": "-3"})
    assert page.status_code == 400
    picture = client.get(reverse("inventory:gift_picture", args=[gifts[0].pk]))
    assert picture["Content-Type"] == "image/png" and picture.content == PNG


def test_a_rep_sees_the_stock_but_cannot_count(client, redemption_hall, gifts, manager, rep):
    stock_import(actor=manager, kind="gift", data="gift,quantity\nMUG,4\n")
    client.force_login(rep)
    stock = GiftStock.objects.get()
    assert client.get(reverse("inventory:gift_stock_detail", args=[stock.pk])).status_code == 200
    assert client.post(reverse("inventory:gift_stock_detail", args=[stock.pk]), {"counted": "0"}).status_code == 404
    assert GiftStock.objects.get().quantity == 4


def test_another_halls_stock_is_not_shown(client, redemption_hall, other_hall, gifts, manager, make_staff):
    stock_import(actor=manager, kind="gift", data="gift,quantity\nMUG,4\n")
    stranger = make_staff("store_manager", username="sm_b", hall=other_hall)
    client.force_login(stranger)
    assert "保温杯" not in client.get(reverse("inventory:gift_stock_list")).content.decode()
    assert client.get(reverse("inventory:gift_stock_detail", args=[GiftStock.objects.get().pk])).status_code == 404


def test_the_gift_stock_api(client, redemption_hall, gifts, manager, django_assert_max_num_queries):
    stock_import(actor=manager, kind="gift", data="gift,quantity\nMUG,4\nUMB,2\n")
    client.force_login(manager)
    with django_assert_max_num_queries(10):
        body = client.get("/api/v1/stock/gifts").json()
    assert [(r["gift"], r["quantity"], r["points"]) for r in body["results"]] == [("MUG", 4, 500), ("UMB", 2, 800)]


def test_the_admin_form_keeps_an_uploaded_picture_and_refuses_other_files(gifts):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from inventory.forms import GiftAdminForm

    data = {"code": "PEN", "name": "钢笔", "points": "300", "cash_topup": "0", "valid_from": "2026-01-01",
            "return_days": "7", "active": "on"}
    form = GiftAdminForm(data, {"upload": SimpleUploadedFile("p.png", PNG, content_type="image/png")})
    assert form.is_valid(), form.errors
    gift = form.save()
    assert bytes(gift.picture) == PNG and gift.picture_type == "image/png"
    bad = GiftAdminForm({**data, "code": "PEN2"}, {"upload": SimpleUploadedFile("p.png", b"not a picture")})
    assert not bad.is_valid() and "upload" in bad.errors


def test_halls_of_other_kinds_are_unaffected(db):
    assert HallFactory(code="HX").redemption_hall is False

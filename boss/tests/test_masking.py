import io
import logging

from django.conf import settings

from boss.logging import MaskPersonalDataFilter
from boss.masking import mask, mask_address, mask_msisdn, mask_name, mask_text


def test_a_resident_id_keeps_only_the_first_three_and_the_check_character():
    assert mask("11010519491231002X") == "110**************X"
    assert mask("44010619900307063X") == "440**************X"     # issue 12 item 8: was 440***********063X
    assert mask("110105491231002") == "110************"           # the old 15-digit ID has no check digit


def test_mask_hides_region_birth_date_sequence_and_gender_digit():
    masked = mask("440524188001010014")
    assert masked[3:17] == "*" * 14  # digits 4-17: region, birth date, sequence, gender (17th)
    assert "0524" not in masked[:7]


def test_other_numbers_keep_the_configured_ends():
    assert mask("6222020200112345678") == "622************5678"   # a bank account: last 4 (the passbook's)


def test_short_values_are_masked_almost_whole():
    assert mask("1234") == "***4"
    assert mask("") == ""


def test_mask_msisdn_name_and_address():
    assert mask_msisdn("13800138000") == "138****8000"
    assert mask_name("张三丰") == "张**"
    assert mask_address("广东省广州市天河区体育西路103号").startswith("广东省广州市")
    assert "体育西路" not in mask_address("广东省广州市天河区体育西路103号")


def test_mask_text_masks_ids_and_mobiles_inside_free_text():
    text = mask_text("customer 11010519491231002X called from +86 138-0013-8000 about 15 yuan")
    assert "11010519491231002X" not in text and "110**************X" in text
    assert "138****8000" in text
    assert "15 yuan" in text


def _emit(message, *args, exc=None):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskPersonalDataFilter())
    logger = logging.getLogger("boss.test.masking")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        if exc:
            try:
                raise exc
            except Exception:
                logger.exception(message, *args)
        else:
            logger.warning(message, *args)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_log_filter_masks_numbers_in_the_message_and_in_the_arguments():
    out = _emit("open for %s phone %s", "11010519491231002X", "13800138000")
    assert "11010519491231002X" not in out and "13800138000" not in out
    assert "110**************X" in out and "138****8000" in out


def test_log_filter_masks_numbers_in_tracebacks():
    out = _emit("failed", exc=ValueError("bad id 11010519491231002X"))
    assert "11010519491231002X" not in out
    assert "110**************X" in out


def test_every_configured_handler_masks():
    handler_filters = settings.LOGGING["handlers"]["console"]["filters"]
    assert "mask" in handler_filters
    assert settings.LOGGING["filters"]["mask"]["()"] == "boss.logging.MaskPersonalDataFilter"

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boss.money import format_yuan, yuan_capital


@pytest.mark.parametrize("amount, expected", [
    ("0", "零元整"),
    ("0.05", "伍分"),
    ("0.50", "伍角整"),
    ("1", "壹元整"),
    ("10", "壹拾元整"),
    ("100", "壹佰元整"),
    ("105", "壹佰零伍元整"),
    ("1010", "壹仟零壹拾元整"),
    ("1234.56", "壹仟贰佰叁拾肆元伍角陆分"),
    ("20.07", "贰拾元零柒分"),
    ("10005", "壹万零伍元整"),
    ("110000", "壹拾壹万元整"),
    ("105000.10", "壹拾万伍仟元壹角整"),
    ("1000000", "壹佰万元整"),
    ("100000001", "壹亿零壹元整"),
    ("-3.20", "负叁元贰角整"),
])
def test_capital_numerals_as_a_cashier_writes_them(amount, expected):
    assert yuan_capital(Decimal(amount)) == expected


def test_format_yuan():
    assert format_yuan(Decimal("1234.5")) == "¥1,234.50"
    assert format_yuan(Decimal("-12")) == "-¥12.00"
    assert format_yuan(None) == ""


_CAP_DIGITS = dict(zip("零壹贰叁肆伍陆柒捌玖", range(10), strict=True))
_UNITS = {"拾": 10, "佰": 100, "仟": 1000}


def _parse_capital(text: str) -> Decimal:
    """An independent reader of capital numerals, to check the writer round-trips."""
    negative = text.startswith("负")
    text = text.lstrip("负").replace("整", "")
    integer_part, _, small = text.partition("元") if "元" in text else ("", "", text)
    total, section, digit = 0, 0, 0
    for ch in integer_part:
        if ch in _CAP_DIGITS:
            digit = _CAP_DIGITS[ch]
        elif ch in _UNITS:
            section += digit * _UNITS[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit) * 10_000
            section = digit = 0
        elif ch == "亿":
            total = (total + section + digit) * 100_000_000
            section = digit = 0
    total += section + digit
    cents, digit = 0, 0
    for ch in small:
        if ch in _CAP_DIGITS:
            digit = _CAP_DIGITS[ch]
        elif ch == "角":
            cents += digit * 10
            digit = 0
        elif ch == "分":
            cents += digit
            digit = 0
    value = Decimal(total) + Decimal(cents) / 100
    return -value if negative else value


@given(st.integers(min_value=0, max_value=99_999_999_999))
def test_capital_numerals_round_trip(fen):
    amount = Decimal(fen) / 100
    assert _parse_capital(yuan_capital(amount)) == amount

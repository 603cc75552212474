"""Money in the kernel: the field shape every amount uses, formatting for screens and printed documents."""

from decimal import ROUND_HALF_UP, Decimal

# Amounts are yuan with fen precision (2 places), never floats: `models.DecimalField(**MONEY)`.
MONEY = {"max_digits": 16, "decimal_places": 2}
ZERO = Decimal("0.00")
CENT = Decimal("0.01")

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ["", "拾", "佰", "仟"]
_BIG_UNITS = ["", "万", "亿", "万亿"]


def format_yuan(value, *, sign: bool = True) -> str:
    """`Decimal("1234.5")` -> `¥1,234.50`; negatives as `-¥12.00`."""
    if value is None:
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{abs(amount):,.2f}"
    prefix = "¥" if sign else ""
    return f"-{prefix}{text}" if amount < 0 else f"{prefix}{text}"


def _four_digits(n: int) -> str:
    """0 < n < 10000 in capital numerals, with the zeros a cashier writes."""
    out, zero = "", False
    for pos in range(3, -1, -1):
        digit = n // (10 ** pos) % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[digit] + _SMALL_UNITS[pos]
    return out


def yuan_capital(value) -> str:
    """Chinese capital numerals for printed amounts (大写): 1234.56 -> 壹仟贰佰叁拾肆元伍角陆分;
    100 -> 壹佰元整; 0 -> 零元整; negatives start with 负."""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    negative = amount < 0
    fen_total = int(abs(amount) * 100)
    integer, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    if integer == 0:
        text = "" if (jiao or fen) else "零元"
    else:
        groups: list[int] = []
        parts: list[str] = []
        n = integer
        while n:
            groups.append(n % 10000)
            n //= 10000
        need_zero = False
        for idx in range(len(groups) - 1, -1, -1):
            group = groups[idx]
            if group == 0:
                need_zero = bool(parts)
                continue
            if parts and (need_zero or group < 1000):
                parts.append("零")
            parts.append(_four_digits(group) + _BIG_UNITS[idx])
            need_zero = False
        text = "".join(parts) + "元"
    if jiao == 0 and fen == 0:
        text += "整"
    else:
        if jiao:
            text += _DIGITS[jiao] + "角"
        elif integer:
            text += "零"
        if fen:
            text += _DIGITS[fen] + "分"
        else:
            text += "整"
    return ("负" if negative else "") + text

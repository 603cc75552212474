"""The month in URLs: /2026-10/ ↔ date(2026, 10, 1)."""

from datetime import date


class MonthConverter:
    regex = r"\d{4}-(0[1-9]|1[0-2])"

    def to_python(self, value: str) -> date:
        return date(int(value[:4]), int(value[5:7]), 1)

    def to_url(self, value) -> str:
        return value if isinstance(value, str) else f"{value:%Y-%m}"

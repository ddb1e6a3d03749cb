"""Report numbers as Vietnamese documents print them: "10,62", "48,5%", "173.210,97 triệu đồng".

Figures are exact; these functions round (half up) or truncate only for display. Reports are always
written in Vietnamese, whatever language the person creating them reads the portal in.
"""

from decimal import Decimal

from django.utils.translation import override

from funding import selectors
from ntm_portal import numbers

MILLION = Decimal(1_000_000)


def decimal_text(value: Decimal | int | None, places: int = 2, *, truncate: bool = False) -> str:
    """ntm_portal.numbers.decimal_text, always in Vietnamese."""
    with override("vi"):
        return numbers.decimal_text(value, places, truncate=truncate)


def integer_text(value: int) -> str:
    """ "1.616"."""
    return decimal_text(value, 0)


def percent_text(share: Decimal | None, places: int = 2) -> str:
    """ "48,56%"; "" when there is no share (nothing to divide by)."""
    return "" if share is None else f"{decimal_text(share, places)}%"


def average_text(average: Decimal) -> str:
    """ "11,63 tiêu chí/xã"."""
    return f"{decimal_text(average, 2)} tiêu chí/xã"


def million_dong(amount_vnd: int) -> str:
    """ "31.690,35": the funding pages' million đồng, always in Vietnamese."""
    with override("vi"):
        return selectors.million_dong(amount_vnd)


def million_dong_text(amount_vnd: int) -> str:
    return f"{million_dong(amount_vnd)} triệu đồng"


def change_text(change: Decimal | None, places: int = 2, *, unit: str = "") -> str:
    """ "tăng 10,17%", "giảm 0,72%", "không đổi"; `unit` follows the number ("%", " tiêu chí/xã")."""
    if change is None:
        return ""
    rounded = numbers.half_up(change, places)
    if not rounded:
        return "không đổi"
    word = "tăng" if rounded > 0 else "giảm"
    return f"{word} {decimal_text(abs(rounded), places)}{unit}"


def count_text(count: int) -> str:
    """Counts of communes as the documents write them: two digits below ten ("05 xã"), else grouped."""
    return f"{count:02d}" if 0 <= count < 10 else integer_text(count)

"""Numbers for display, in the active language's format ("10,62", "1.250,50" in Vietnamese).

The one rounding rule of the portal's figures: exact values are rounded half up (or, where a document
prints them so, truncated) only here. The funding pages and the reports both call it.
"""

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format

# Numbers as people type them. "1.250" and "31.690,35": dots group thousands; "85,5": a decimal comma; "85.5": a
# program's decimal point; "1,250.5": English grouping, recognised only with its decimals.
_VIETNAMESE_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+(?:,\d+)?$")
_DECIMAL_POINT = re.compile(r"^[+-]?\d*\.\d+$")
_ENGLISH_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+\.\d+$")


def half_up(value: Decimal | int, places: int = 2) -> Decimal:
    """`value` rounded half up to `places` decimals: every share and average the portal shows or stores
    rounded (10,625 → 10,63)."""
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def decimal_text(value: Decimal | int | None, places: int = 2, *, truncate: bool = False) -> str:
    """ "10,62", "1.250,50"; "" for None. `truncate` cuts instead of rounding (some seeds print "48,5")."""
    if value is None:
        return ""
    if truncate:
        rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)
    else:
        rounded = half_up(value, places)
    return number_format(rounded, decimal_pos=places, use_l10n=True, force_grouping=True)


def number_from_text(text: str) -> Decimal | None:
    """The number a Vietnamese reader sees in `text` ("1.234,5", "87,6", "1 234", also "1,234.5" and "87.6");
    None when it is no number. The entry form and the imports read typed numbers through it alike."""
    text = text.replace(" ", "").replace("\u00a0", "")
    if _VIETNAMESE_GROUPED.match(text) or _DECIMAL_COMMA.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif _ENGLISH_GROUPED.match(text):
        text = text.replace(",", "")
    elif not _DECIMAL_POINT.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None

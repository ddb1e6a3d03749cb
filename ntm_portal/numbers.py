"""Numbers for display, in the active language's format ("10,62", "1.250,50" in Vietnamese).

The one rounding rule of the portal's figures: exact values are rounded half up (or, where a document
prints them so, truncated) only here. The funding pages and the reports both call it.
"""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.utils.formats import number_format


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

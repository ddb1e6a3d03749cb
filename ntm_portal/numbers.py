"""Numbers for display, in the active language's format ("10,62", "1.250,50" in Vietnamese).

The one rounding rule of the portal's figures: exact values are rounded half up (or, where a document
prints them so, truncated) only here. The funding pages and the reports both call it.
"""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.utils.formats import number_format


def decimal_text(value: Decimal | int | None, places: int = 2, *, truncate: bool = False) -> str:
    """ "10,62", "1.250,50"; "" for None. `truncate` cuts instead of rounding (some seeds print "48,5")."""
    if value is None:
        return ""
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(value).quantize(quantum, rounding=ROUND_DOWN if truncate else ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=places, use_l10n=True, force_grouping=True)

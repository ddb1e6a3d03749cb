"""One indicator value read from a cell, by the indicator's kind, and checked as the entry form checks it.

Numbers are read the Vietnamese way first ("85,5", "1.250", "31.690,35", "85,5%"), then as programs write
them ("85.5"); yes / no as the wide import's marks plus "Có" / "Không"; levels as "2" or "Mức độ 2".
"""

import math
import re
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.utils.translation import gettext as _

from criteria.evaluation import Value
from criteria.forms import indicator_number_field
from criteria.imports.results_wide import MET_MARKS, NOT_MET_MARKS
from criteria.models import Indicator
from ntm_portal.numbers import number_from_text
from ntm_portal.spreadsheets import cell_text
from ntm_portal.text import fold

YES_WORDS = MET_MARKS | {"có", "yes", "true"}
NO_WORDS = (NOT_MET_MARKS - {""}) | {"không", "no", "false"}
# Indicator values are stored with four decimals; a computed cell (92.50000000001) is rounded to them.
STORED_PLACES = Decimal("0.0001")
STORED_DIGITS = 16  # IndicatorValue.number: max_digits

_LEVEL_PREFIX = re.compile(r"^(?:muc do|muc|level)\s*")


class InvalidValue(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def indicator_value(indicator: Indicator, written: object, *, percent_cell: bool = False) -> Value:
    """The value a cell gives for the indicator, checked as the entry form checks it; InvalidValue if none."""
    text = cell_text(written)
    names = {"value": text, "code": indicator.code}
    if indicator.kind == Indicator.Kind.COMPOSITE:
        raise InvalidValue(
            _("Indicator %(code)s has several conditions: enter it on the commune's page, not from a file.") % names
        )
    if indicator.kind == Indicator.Kind.BOOLEAN:
        if text.lower() in YES_WORDS:
            return True
        if text.lower() in NO_WORDS:
            return False
        raise InvalidValue(
            _("“%(value)s” is not a yes / no value: write Đạt (or Có, x, 1) or Chưa đạt (or Không, 0).") % names
        )
    if indicator.kind == Indicator.Kind.LEVEL:
        text = _LEVEL_PREFIX.sub("", fold(text))
        number = number_from_text(text)
    elif isinstance(written, int | float) and not isinstance(written, bool):
        number = _cell_number(written)
        if percent_cell and number is not None:  # 92,5% in Excel is the number 0.925
            number *= 100
    elif indicator.kind == Indicator.Kind.PERCENT and text.endswith("%"):
        number = number_from_text(text.removesuffix("%").strip())
    else:
        number = number_from_text(text)
    if number is None:
        raise InvalidValue(_("“%(value)s” is not a number.") % names)
    field = indicator_number_field(indicator.kind, indicator.code)
    try:
        return field.clean(format(number.normalize(), "f"))
    except forms.ValidationError as invalid:
        raise InvalidValue(
            _("“%(value)s” cannot be a value of indicator %(code)s: %(reason)s")
            % {**names, "reason": " ".join(invalid.messages)}
        ) from None


def _cell_number(value: int | float) -> Decimal | None:
    """A number cell's value, rounded to the stored places; None for infinity and NaN, which are no value. A
    number too large to round is kept as it is: the field's check refuses it with its limit."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    number = Decimal(repr(value))
    if number.adjusted() >= STORED_DIGITS:
        return number
    return number.quantize(STORED_PLACES, rounding=ROUND_HALF_UP)

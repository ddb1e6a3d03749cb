"""Report figures on pages, in the same Vietnamese format as the PDF and the Excel appendix."""

from django import template

from reports import numbers

register = template.Library()


@register.filter
def vn_int(value) -> str:
    return numbers.integer_text(value)


@register.filter
def vn_decimal(value, places: int = 2) -> str:
    return numbers.decimal_text(value, int(places))


@register.filter
def vn_percent(value, places: int = 2) -> str:
    return numbers.percent_text(value, int(places))


@register.filter
def vn_change(value) -> str:
    return numbers.change_text(value)


@register.filter
def vn_million(value) -> str:
    return numbers.million_dong(value)

"""Picks the bound fields of one indicator or one criterion out of the entry form."""

from django import template

from criteria.forms import indicator_field_name

register = template.Library()


@register.simple_tag
def indicator_fields(form, item) -> list:
    indicator = item.indicator
    if indicator.pk in form.parts:
        return [form[indicator_field_name(indicator, part)] for part in form.parts[indicator.pk]]
    return [form[indicator_field_name(indicator)]]


@register.simple_tag
def criterion_fields(form, criterion) -> list:
    prefix = f"crit_{criterion.pk}"
    return [form[f"{prefix}_result"], form[f"{prefix}_override"], form[f"{prefix}_reason"]]

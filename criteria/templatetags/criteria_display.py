from django import template

from criteria import display, presenters

register = template.Library()


@register.filter
def change_text(change) -> str:
    return display.change_text(change)


@register.filter
def step_text(step: str) -> str:
    return display.step_text(step)


@register.filter
def step_button_text(step: str) -> str:
    return display.step_button_text(step)


@register.filter
def step_consequence_text(step: str) -> str:
    return display.step_consequence_text(step)


@register.filter
def status_label(status: str) -> str:
    """An assessment status as the grid shows it ("No assessment" for a commune-year without one)."""
    return presenters.status_label(status)


@register.filter
def tier_label(tier: str) -> str:
    return presenters.tier_label(tier)


@register.filter
def label_in(key: str, labels: dict) -> str:
    """The label `labels` gives the key (a region or group code), else the key itself."""
    return labels.get(key, key)

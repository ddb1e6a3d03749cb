from django import template

from criteria import display

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
def label_in(key: str, labels: dict) -> str:
    """The label `labels` gives the key (a region or group code), else the key itself."""
    return labels.get(key, key)

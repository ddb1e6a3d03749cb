"""The entry form of a commune-year: one input per indicator (by kind), a direct result per criterion."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from criteria.commune_detail import CommuneYear
from criteria.evaluation import ThresholdRule
from criteria.models import Criterion, CriterionResult, Indicator
from criteria.services import DirectInput, normalised
from ntm_portal.numbers import number_from_text

YES_NO = [("", "—"), ("true", gettext_lazy("Yes")), ("false", gettext_lazy("No"))]
RESULT_CHOICES = [("", "—"), ("met", gettext_lazy("Met")), ("not_met", gettext_lazy("Not met"))]
_BOOL = {"true": True, "false": False, "": None}
# IndicatorValue.number holds 16 digits, 4 of them decimals: a larger count would overflow the column.
LARGEST_COUNT = 10**12 - 1


def indicator_field_name(indicator: Indicator, part: str = "") -> str:
    return f"ind_{indicator.pk}__{part}" if part else f"ind_{indicator.pk}"


class _ReadAsTyped:
    """A number field that reads what a person typed as a Vietnamese reader would ("1.234" is 1234, "87,6" is
    87.6, "1,234.5" too), as the imports read a typed cell; what is no number is refused by the field."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            number = number_from_text(value.strip())
            if number is not None:
                value = format(number, "f")
        return super().to_python(value)


class TypedDecimalField(_ReadAsTyped, forms.DecimalField):
    pass


class TypedIntegerField(_ReadAsTyped, forms.IntegerField):
    pass


def indicator_number_field(kind: str, label: str, *, typed: bool = False) -> forms.Field:
    """The field of a number-valued indicator: what the entry form accepts, and so what an import accepts.
    `typed`: the entry form's field, which reads the text a person typed; an import gives it a plain number."""
    decimal_field, integer_field = (
        (TypedDecimalField, TypedIntegerField) if typed else (forms.DecimalField, forms.IntegerField)
    )
    if kind == Indicator.Kind.PERCENT:
        return decimal_field(
            label=label, required=False, min_value=0, max_value=100, max_digits=7, decimal_places=4, localize=True
        )
    if kind == Indicator.Kind.COUNT:
        return integer_field(label=label, required=False, min_value=0, max_value=LARGEST_COUNT, localize=True)
    if kind == Indicator.Kind.LEVEL:
        return integer_field(label=label, required=False, min_value=1, max_value=5)
    return decimal_field(label=label, required=False, min_value=0, max_digits=16, decimal_places=4, localize=True)


def _part_field(required: str | None, label: str) -> forms.Field:
    text = (required or "").strip().lower()
    if text in ("đạt", "không", "có"):
        return forms.TypedChoiceField(label=label, choices=YES_NO, required=False, coerce=_BOOL.get, empty_value=None)
    if text.startswith("mức độ"):
        return TypedIntegerField(label=label, required=False, min_value=1, max_value=5)
    return indicator_number_field(Indicator.Kind.PERCENT, label, typed=True)


class AssessmentEntryForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, page: CommuneYear, initial_values: dict[int, object] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.fields["version"].initial = page.version
        self.parts: dict[int, list[str]] = {}
        values = initial_values if initial_values is not None else {}
        for row in page.rows:
            for indicator_row in row.indicators:
                indicator = indicator_row.indicator
                self._add_indicator(indicator, values.get(indicator.pk), indicator_row.outcome.threshold)
            self._add_criterion(row.criterion, row.result)

    def _add_indicator(self, indicator: Indicator, value, rule: ThresholdRule | None) -> None:
        label = f"{indicator.code}. {indicator.text}"
        if indicator.kind == Indicator.Kind.COMPOSITE:
            parts = list((rule.parts if rule and rule.parts else {}) or (value or {}))
            self.parts[indicator.pk] = parts
            for part in parts:
                required = rule.parts.get(part) if rule and rule.parts else None
                field = _part_field(required, f"{label} — {part.replace('_', ' ')}")
                self.fields[indicator_field_name(indicator, part)] = field
                part_value = (value or {}).get(part)
                self.initial[indicator_field_name(indicator, part)] = _initial(field, part_value)
            return
        if indicator.kind == Indicator.Kind.BOOLEAN:
            field = forms.TypedChoiceField(
                label=label, choices=YES_NO, required=False, coerce=_BOOL.get, empty_value=None
            )
        else:
            field = indicator_number_field(indicator.kind, label, typed=True)
        self.fields[indicator_field_name(indicator)] = field
        self.initial[indicator_field_name(indicator)] = _initial(field, value)

    def _add_criterion(self, criterion: Criterion, result: CriterionResult | None) -> None:
        prefix = f"crit_{criterion.pk}"
        self.fields[f"{prefix}_result"] = forms.ChoiceField(
            label=_("Criterion %(number)s result") % {"number": criterion.number},
            choices=RESULT_CHOICES,
            required=False,
        )
        self.fields[f"{prefix}_override"] = forms.BooleanField(label=_("Override"), required=False)
        self.fields[f"{prefix}_reason"] = forms.CharField(
            label=_("Reason for the override"), required=False, max_length=2000, widget=forms.Textarea({"rows": 2})
        )
        if result is not None and result.method != CriterionResult.Method.COMPUTED:
            self.initial[f"{prefix}_result"] = {True: "met", False: "not_met"}.get(result.is_met, "")
            self.initial[f"{prefix}_override"] = result.method == CriterionResult.Method.OVERRIDDEN
            self.initial[f"{prefix}_reason"] = result.override_reason

    def clean(self):
        cleaned = super().clean()
        for row in self.page.rows:
            prefix = f"crit_{row.criterion.pk}"
            if cleaned.get(f"{prefix}_override") and not (cleaned.get(f"{prefix}_reason") or "").strip():
                self.add_error(f"{prefix}_reason", _("An override needs a reason."))
            if cleaned.get(f"{prefix}_override") and not cleaned.get(f"{prefix}_result"):
                self.add_error(f"{prefix}_result", _("Choose the result the override sets."))
        return cleaned

    def indicator_values(self) -> dict[int, object]:
        values = {}
        for row in self.page.rows:
            for indicator_row in row.indicators:
                indicator = indicator_row.indicator
                if indicator.pk in self.parts:
                    parts = {
                        part: self.cleaned_data.get(indicator_field_name(indicator, part))
                        for part in self.parts[indicator.pk]
                    }
                    values[indicator.pk] = normalised({k: v for k, v in parts.items() if v is not None})
                else:
                    values[indicator.pk] = normalised(self.cleaned_data.get(indicator_field_name(indicator)))
        return values

    def direct_inputs(self) -> dict[int, DirectInput]:
        inputs = {}
        for row in self.page.rows:
            prefix = f"crit_{row.criterion.pk}"
            is_met = {"met": True, "not_met": False}.get(self.cleaned_data.get(f"{prefix}_result") or "")
            override = bool(self.cleaned_data.get(f"{prefix}_override"))
            if is_met is not None or override:
                inputs[row.criterion.pk] = DirectInput(
                    is_met=is_met, override=override, reason=self.cleaned_data.get(f"{prefix}_reason") or ""
                )
        return inputs

    def add_result_errors(self, errors: dict[int, str]) -> None:
        for criterion_pk, message in errors.items():
            self.add_error(f"crit_{criterion_pk}_result", message)


def _initial(field: forms.Field, value):
    if value is None:
        return None
    if isinstance(field, forms.TypedChoiceField):
        return {True: "true", False: "false"}.get(_as_bool(value), "")
    if isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField):
        return int(Decimal(str(value)))
    return Decimal(str(value)).normalize()


def _as_bool(value):
    if isinstance(value, bool):
        return value
    return {"true": True, "false": False, "đạt": True, "có": True, "không": False}.get(str(value).lower())

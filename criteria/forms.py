"""The entry form of a commune-year: one input per indicator (by kind), a direct result per criterion."""

from decimal import Decimal

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from criteria import display
from criteria.commune_detail import CommuneYear, IndicatorRow
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


class FiniteDecimalField(forms.DecimalField):
    """Refuses NaN and infinities while reading, as any other non-number: Django's own check of them passes the
    value as a parameter, which a message naming "%" (the unit of a percentage) cannot take."""

    def to_python(self, value):
        number = super().to_python(value)
        if number is not None and not number.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class TypedDecimalField(_ReadAsTyped, FiniteDecimalField):
    pass


class TypedIntegerField(_ReadAsTyped, forms.IntegerField):
    pass


def _range_messages(kind: str, unit: str) -> dict[str, str]:
    """A refused value is answered with what the field takes, in words ("Nhập mức từ 1 đến 5.")."""
    message = _("Enter %(range)s.") % {"range": display.value_range_text(kind, unit)}
    # Django fills the limits' messages with their values (%(limit_value)s), not the message of a non-number.
    limit = message.replace("%", "%%")
    return {"invalid": message, "min_value": limit, "max_value": limit}


def indicator_number_field(kind: str, label: str, *, typed: bool = False, unit: str = "") -> forms.Field:
    """The field of a number-valued indicator: what the entry form accepts, and so what an import accepts.
    `typed`: the entry form's field, which reads the text a person typed; an import gives it a plain number."""
    decimal_field, integer_field = (
        (TypedDecimalField, TypedIntegerField) if typed else (FiniteDecimalField, forms.IntegerField)
    )
    common = {"label": label, "required": False, "error_messages": _range_messages(kind, unit)}
    if kind == Indicator.Kind.PERCENT:
        return decimal_field(**common, min_value=0, max_value=100, max_digits=7, decimal_places=4, localize=True)
    if kind == Indicator.Kind.COUNT:
        return integer_field(**common, min_value=0, max_value=LARGEST_COUNT, localize=True)
    if kind == Indicator.Kind.LEVEL:
        return integer_field(**common, min_value=1, max_value=5)
    return decimal_field(**common, min_value=0, max_digits=16, decimal_places=4, localize=True)


def _yes_no_field(label: str) -> forms.Field:
    return forms.TypedChoiceField(label=label, choices=YES_NO, required=False, coerce=_BOOL.get, empty_value=None)


def _help_text(kind: str, unit: str, threshold: str) -> str:
    if kind == Indicator.Kind.BOOLEAN:
        return _("Choose Yes or No. Threshold: %(threshold)s") % {"threshold": threshold}
    return _("Takes %(range)s. Threshold: %(threshold)s") % {
        "range": display.value_range_text(kind, unit),
        "threshold": threshold,
    }


def _part_kind(required: str | None) -> str:
    """What a condition of a composite indicator takes, read from what its threshold requires."""
    text = (required or "").strip().lower()
    if text in ("đạt", "không", "có"):
        return Indicator.Kind.BOOLEAN
    if text.startswith("mức độ"):
        return Indicator.Kind.LEVEL
    return Indicator.Kind.PERCENT


def _field_of_kind(kind: str, label: str, unit: str = "") -> forms.Field:
    if kind == Indicator.Kind.BOOLEAN:
        return _yes_no_field(label)
    return indicator_number_field(kind, label, typed=True, unit=unit)


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
                self._add_indicator(indicator_row, values.get(indicator.pk))
            self._add_criterion(row.criterion, row.result, direct=not row.indicators)

    def _add_indicator(self, row: IndicatorRow, value) -> None:
        indicator, rule = row.indicator, row.outcome.threshold
        if indicator.kind == Indicator.Kind.COMPOSITE:
            parts = display.ordered_parts((rule.parts if rule and rule.parts else {}) or (value or {}))
            self.parts[indicator.pk] = parts
            for position, part in enumerate(parts, start=1):
                kind = _part_kind(rule.parts.get(part) if rule and rule.parts else None)
                field = _field_of_kind(kind, f"{indicator.code}. {capfirst(display.part_label(part, position))}")
                field.help_text = _help_text(kind, "", display.part_threshold_text(indicator, rule, part))
                self.fields[indicator_field_name(indicator, part)] = field
                self.initial[indicator_field_name(indicator, part)] = _initial(field, (value or {}).get(part))
            return
        field = _field_of_kind(indicator.kind, f"{indicator.code}. {indicator.text}", indicator.unit)
        threshold = f"{row.threshold_text} ({row.basis_text})" if row.basis_text else row.threshold_text
        field.help_text = _help_text(indicator.kind, indicator.unit, threshold)
        self.fields[indicator_field_name(indicator)] = field
        self.initial[indicator_field_name(indicator)] = _initial(field, value)

    def in_place(self, name: str) -> bool:
        """Whether the field stands among the values (an indicator, or the result of a criterion without any);
        the others (overrides) wait in a section of their own after the values, off the keyboard's way."""
        if name.startswith("ind_"):
            return True
        return name.endswith("_result") and any(
            name == f"crit_{row.criterion.pk}_result" and not row.indicators for row in self.page.rows
        )

    def invalid_fields(self) -> list:
        """The bound fields holding an error, in the order of the page: those among the values first."""
        names = [name for name in self.fields if name in self.errors]
        return [self[name] for name in sorted(names, key=lambda name: not self.in_place(name))]

    def focus_first_value(self) -> None:
        """A form to fill opens with the cursor in its first value: typing starts at once, Tab goes on."""
        first = next((name for name in self.fields if self.in_place(name)), None)
        if first:
            self.fields[first].widget.attrs["autofocus"] = True

    def focus_first_invalid(self) -> None:
        """A refused form opens on its first refused field, the page scrolled there."""
        if invalid := self.invalid_fields():
            invalid[0].field.widget.attrs["autofocus"] = True

    def overrides_have_errors(self) -> bool:
        return any(not self.in_place(field.name) for field in self.invalid_fields())

    def _add_criterion(self, criterion: Criterion, result: CriterionResult | None, *, direct: bool) -> None:
        prefix = f"crit_{criterion.pk}"
        self.fields[f"{prefix}_result"] = forms.ChoiceField(
            label=_("Criterion %(number)s result") % {"number": criterion.number},
            choices=RESULT_CHOICES,
            required=False,
            help_text=_("Choose Met or Not met.") if direct else "",
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

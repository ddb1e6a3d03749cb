"""Forms of the criteria-set editor: a set's fields, a copy, a criterion, an indicator, an indicator's thresholds.

Forms parse and check what a person typed; the writes and the history are criteria.services.criteria_sets.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communes.models import CommuneGroup, Region
from criteria.models import CriteriaSet, Criterion, Indicator, Threshold
from criteria.services.criteria_sets import CRITERION_FIELDS, SET_FIELDS, ThresholdRow, threshold_value_error
from ntm_portal.text import nfc
from ntm_portal.uploads import validate_spreadsheet_size


class VersionMixin(forms.Form):
    """The version of the set the form was opened on: a form opened before someone else's edit is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class SetForm(forms.ModelForm):
    class Meta:
        model = CriteriaSet
        fields = SET_FIELDS
        widgets = {
            "decision_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "effective_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "report_bands": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The last year cannot come before the first year."))
        return cleaned

    def data_for_service(self) -> dict:
        return {name: self.cleaned_data[name] for name in SET_FIELDS}


class SetEditForm(VersionMixin, SetForm):
    pass


class SetCreateForm(SetForm):
    province = forms.ModelChoiceField(queryset=None, label=_("province"), empty_label=None)

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces


COPY_FIELDS = ("code", "name", "decision_number", "decision_date", "decision_citation", "period_start",
               "period_end", "effective_from")  # fmt: skip


class CopyForm(forms.ModelForm):
    province = forms.ModelChoiceField(queryset=None, label=_("province"), empty_label=None)

    class Meta:
        model = CriteriaSet
        fields = COPY_FIELDS
        widgets = SetForm.Meta.widgets

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces

    def data_for_service(self) -> dict:
        return {name: self.cleaned_data[name] for name in COPY_FIELDS}


class CriterionForm(VersionMixin, forms.ModelForm):
    class Meta:
        model = Criterion
        fields = CRITERION_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def data_for_service(self) -> dict:
        return {name: self.cleaned_data[name] for name in CRITERION_FIELDS}


# How the issue names the kinds of indicator, onto Indicator.kind and Indicator.comparison.
class Rule:
    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    YES_NO = "yes_no"
    JUDGEMENT = "judgement"
    CHOICES = [
        (AT_LEAST, _("At least (≥ the threshold)")),
        (AT_MOST, _("At most (≤ the threshold)")),
        (YES_NO, _("Yes / no")),
        (JUDGEMENT, _("Staff judgement (đạt / chưa đạt)")),
    ]


NUMBER_KINDS = [(kind.value, kind.label) for kind in Indicator.Kind if kind in ("percent", "amount", "count", "level")]


def rule_of(indicator: Indicator) -> str:
    if indicator.kind == Indicator.Kind.BOOLEAN:
        return Rule.JUDGEMENT if not indicator.comparison else Rule.YES_NO
    if indicator.comparison in (">=", ">"):
        return Rule.AT_LEAST
    if indicator.comparison in ("<=", "<"):
        return Rule.AT_MOST
    return ""


class IndicatorForm(VersionMixin, forms.Form):
    code = forms.CharField(label=_("code"), max_length=12)
    position = forms.IntegerField(label=_("position"), min_value=0, initial=0)
    text = forms.CharField(label=_("indicator"), widget=forms.Textarea(attrs={"rows": 2}))
    rule = forms.ChoiceField(label=_("kind"), choices=Rule.CHOICES)
    value_kind = forms.ChoiceField(
        label=_("value measured as"), choices=NUMBER_KINDS, required=False,
        help_text=_("For “at least” and “at most”."),
    )  # fmt: skip
    unit = forms.CharField(label=pgettext_lazy("unit of measure", "unit"), max_length=40, required=False)
    source = forms.CharField(label=_("source"), max_length=500, required=False)
    notes = forms.CharField(label=_("notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, indicator: Indicator | None = None, **kwargs):
        self.indicator = indicator
        if indicator is not None:
            kwargs.setdefault("initial", {}).update(
                {name: getattr(indicator, name) for name in ("code", "position", "text", "unit", "source", "notes")}
                | {"rule": rule_of(indicator), "value_kind": indicator.kind}
            )
        super().__init__(*args, **kwargs)
        if indicator is not None and not rule_of(indicator):
            # Conditions of several parts, or a comparison the catalogue does not know: kept as loaded.
            self.fields["rule"].choices = [("", _("As loaded: %(kind)s") % {"kind": indicator.get_kind_display()}),
                                           *Rule.CHOICES]  # fmt: skip
            self.fields["rule"].required = False

    def clean(self):
        cleaned = super().clean()
        rule = cleaned.get("rule")
        if rule in (Rule.AT_LEAST, Rule.AT_MOST) and cleaned.get("value_kind") not in dict(NUMBER_KINDS):
            self.add_error("value_kind", _("Say how the value is measured (percent, amount, count or level)."))
        return cleaned

    def data_for_service(self) -> dict:
        data = {name: self.cleaned_data[name] for name in ("code", "position", "text", "unit", "source", "notes")}
        rule, value_kind = self.cleaned_data["rule"], self.cleaned_data["value_kind"]
        unchanged = self.indicator is not None and rule == rule_of(self.indicator)
        if unchanged and (rule in (Rule.YES_NO, Rule.JUDGEMENT, "") or value_kind == self.indicator.kind):
            return data  # ">" stays ">", a composite stays composite
        if rule == Rule.YES_NO:
            return data | {"kind": Indicator.Kind.BOOLEAN, "comparison": "=="}
        if rule == Rule.JUDGEMENT:
            return data | {"kind": Indicator.Kind.BOOLEAN, "comparison": ""}
        return data | {"kind": value_kind, "comparison": ">=" if rule == Rule.AT_LEAST else "<="}


def area_choices(criteria_set: CriteriaSet) -> list[tuple[str, str]]:
    """The regions or groups a set's thresholds are given for, the general row first."""
    general = [(Threshold.NATIONAL, _("General (every commune without a row of its own)"))]
    if criteria_set.threshold_dimension == CriteriaSet.Dimension.COMMUNE_GROUP:
        return general + [(f"nhom{group.value}", group.label) for group in CommuneGroup]
    if criteria_set.threshold_dimension == CriteriaSet.Dimension.REGION:
        return general + [(region.value, region.label) for region in Region]
    return general


class ThresholdForm(forms.Form):
    applies_to = forms.ChoiceField(label=_("region or group"))
    year_from = forms.IntegerField(label=_("from year"), required=False, min_value=2000, max_value=2100)
    year_to = forms.IntegerField(label=_("to year"), required=False, min_value=2000, max_value=2100)
    value = forms.CharField(label=_("value"), max_length=60, required=False)
    source = forms.CharField(label=_("source (document, article or page)"), max_length=500, required=False)
    remove = forms.BooleanField(label=_("remove"), required=False)

    def __init__(self, *args, areas, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applies_to"].choices = areas
        self.kind = kind

    def clean(self):
        cleaned = super().clean()
        value, source = nfc(cleaned.get("value") or ""), nfc(cleaned.get("source") or "")
        cleaned["value"], cleaned["source"] = value, source
        if cleaned.get("remove"):
            return cleaned
        error = threshold_value_error(self.kind, value)
        if error:
            self.add_error("value", error)
        if value and not source:
            self.add_error("source", _("Give the source of this threshold: the document and its article or page."))
        start, end = cleaned.get("year_from"), cleaned.get("year_to")
        if start and end and end < start:
            self.add_error("year_to", _("The last year cannot come before the first year."))
        return cleaned

    def row(self) -> ThresholdRow | None:
        """The threshold this form keeps; None for a blank new row or one ticked for removal."""
        data = self.cleaned_data
        if data.get("remove") or (not self.initial.get("existing") and not data["value"] and not data["source"]):
            return None
        return ThresholdRow(data["applies_to"], data["value"], data["source"], data["year_from"], data["year_to"])


class BaseThresholdFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        keys = [row.key for row in self.rows()]
        if len(keys) != len(set(keys)):
            raise forms.ValidationError(_("Each region or group has one threshold per span of years."))

    def rows(self) -> list[ThresholdRow]:
        return [row for form in self.forms if (row := form.row()) is not None]


ThresholdFormSet = forms.formset_factory(ThresholdForm, formset=BaseThresholdFormSet, extra=0)


def threshold_formset(indicator: Indicator, data=None) -> BaseThresholdFormSet:
    """A row per existing threshold, then a blank one for each region or group that has none."""
    areas = area_choices(indicator.criterion.criteria_set)
    existing = list(indicator.thresholds.all())
    known = {row.applies_to for row in existing}
    initial = [
        {"applies_to": row.applies_to, "year_from": row.year_from, "year_to": row.year_to, "value": row.value,
         "source": row.source, "existing": True}
        for row in existing
    ] + [{"applies_to": code} for code, _label in areas if code not in known]  # fmt: skip
    extra_areas = [(code, code) for code in known if code not in dict(areas)]
    return ThresholdFormSet(
        data, initial=initial, prefix="t", form_kwargs={"areas": areas + extra_areas, "kind": indicator.kind}
    )


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx) of a criteria set"), validators=[validate_spreadsheet_size])

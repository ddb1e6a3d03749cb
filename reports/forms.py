"""Forms of the report pages: a new report, and a draft's header and narrative sections."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit
from criteria.selectors import default_year
from reports.models import Report
from reports.services import HEADER_FIELDS
from reports.structure import narrative_sections

FIRST_YEAR = 2010


class ReportCreateForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=AdministrativeUnit.objects.none(), empty_label=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=Report.Kind.choices)
    year_from = forms.IntegerField(label=_("From year"), min_value=FIRST_YEAR)
    year_to = forms.IntegerField(label=_("To year"), min_value=FIRST_YEAR)

    def __init__(self, *args, units: list[AdministrativeUnit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = AdministrativeUnit.objects.filter(pk__in=[unit.pk for unit in units])
        this_year = timezone.localdate().year
        self.fields["year_from"].max_value = self.fields["year_to"].max_value = this_year + 5
        self.fields["year_from"].widget.attrs["max"] = self.fields["year_to"].widget.attrs["max"] = this_year + 5
        self.fields["year_from"].initial = self.fields["year_to"].initial = default_year()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("year_from"), cleaned.get("year_to")
        if start and end and end < start:
            self.add_error("year_to", _("The period ends before it starts."))
        if cleaned.get("kind") == Report.Kind.ANNUAL and start and end and start != end:
            self.add_error("year_to", _("An annual report covers one year: give the same year twice."))
        return cleaned


class ReportEditForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Report
        fields = HEADER_FIELDS
        widgets = {
            "issuing_body": forms.Textarea(attrs={"rows": 2}),
            "subject": forms.Textarea(attrs={"rows": 3}),
            "recipients": forms.Textarea(attrs={"rows": 6}),
            "signer_authority": forms.Textarea(attrs={"rows": 2}),
            "issued_on": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        for key, label in narrative_sections(self.instance.kind):
            self.fields[f"narrative_{key}"] = forms.CharField(
                label=label,
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
                initial=self.instance.narrative.get(key, ""),
            )

    def header_fields(self):
        return [self[name] for name in HEADER_FIELDS]

    def narrative_fields(self):
        return [self[name] for name in self.fields if name.startswith("narrative_")]

    def narrative(self) -> dict[str, str]:
        return {name.removeprefix("narrative_"): value for name, value in self.cleaned_data.items()
                if name.startswith("narrative_")}  # fmt: skip

"""The form of the import page: what is imported, for which year, from which file."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ntm_portal.importing import KINDS
from ntm_portal.uploads import validate_spreadsheet_size

ACCEPTED_TYPES = ",".join(
    [
        ".xlsx",
        ".xls",
        ".csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-excel",
        "text/csv",
    ]
)
FIRST_YEAR = 2010


def year_choices() -> list[tuple[str, str]]:
    this_year = timezone.localdate().year
    return [("", _("— the year written in the file —"))] + [
        (str(year), str(year)) for year in range(this_year + 1, FIRST_YEAR - 1, -1)
    ]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), widget=forms.RadioSelect)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, empty_value=None, required=False)
    file = forms.FileField(
        label=_("File"),
        help_text=_("Excel (.xlsx, .xls) or CSV."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_TYPES}),
        validators=[validate_spreadsheet_size],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.code, kind.label) for kind in KINDS.values()]
        self.fields["year"].choices = year_choices()

    def clean(self):
        cleaned = super().clean()
        kind = KINDS.get(cleaned.get("kind", ""))
        if kind is not None and kind.year_required and cleaned.get("year") is None:
            self.add_error("year", _("Choose the year these results are for."))
        return cleaned

"""The form of the boundary upload: which province and map, which property holds the code, which file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit, BoundaryUpload
from ntm_portal.text import nfc
from ntm_portal.uploads import validate_spreadsheet_size

ACCEPTED_TYPES = ".geojson,.json,application/geo+json,application/json"


class BoundaryUploadForm(forms.Form):
    province = forms.ModelChoiceField(label=_("Province"), queryset=AdministrativeUnit.objects.none(), empty_label=None)
    map = forms.ChoiceField(
        label=_("Map the boundaries belong to"),
        choices=BoundaryUpload.Map.choices,
        initial=BoundaryUpload.Map.TWO_TIER,
        help_text=_("The features are matched by code to the communes of this map."),
    )
    code_property = forms.CharField(
        label=_("Property holding the commune code"),
        max_length=60,
        required=False,
        help_text=_("Empty: “code”, or else “ma”."),
    )
    file = forms.FileField(
        label=_("GeoJSON file"),
        help_text=_("A FeatureCollection of Polygon or MultiPolygon features in longitude and latitude (WGS84)."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_TYPES}),
        validators=[validate_spreadsheet_size],
    )

    def __init__(self, *args, provinces: list[AdministrativeUnit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = AdministrativeUnit.objects.filter(pk__in=[unit.pk for unit in provinces])
        if provinces:
            self.fields["province"].initial = provinces[0].pk

    def clean_code_property(self) -> str:
        return nfc(self.cleaned_data["code_property"].strip())

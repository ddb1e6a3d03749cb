"""Forms of the evidence pages: upload (one or several files), review, replacement."""

from django import forms
from django.utils.translation import gettext_lazy as _

from criteria.models import CriteriaSet, Criterion, Indicator

ACCEPTED_TYPES = ".pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx,.odt,.ods,application/pdf,image/jpeg,image/png"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the pattern of Django's documentation)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_TYPES}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class EvidenceUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Files"),
        help_text=_("PDF, JPEG, PNG, Word, Excel or OpenDocument; on a phone you can take a photo."),
    )
    title = forms.CharField(
        label=_("Title"), required=False, max_length=255, help_text=_("Empty: the file name is used.")
    )
    document_number = forms.CharField(label=_("Number and symbol"), required=False, max_length=100)
    document_date = forms.DateField(label=_("Document date"), required=False, help_text=_("dd/mm/yyyy"))
    issuer = forms.CharField(label=_("Issuing body"), required=False, max_length=255)
    criterion = forms.ModelChoiceField(label=_("Criterion"), queryset=Criterion.objects.none(), required=False)
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none(), required=False)

    def __init__(self, *args, criteria_set: CriteriaSet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = criteria_set.criteria.order_by("number")
        self.fields["indicator"].queryset = Indicator.objects.filter(criterion__criteria_set=criteria_set).order_by(
            "criterion__number", "position", "code"
        )
        self.fields["indicator"].label_from_instance = lambda indicator: f"{indicator.code}. {indicator.text[:90]}"


class EvidenceReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("reject", _("Reject"))])
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)


class EvidenceReplaceForm(forms.Form):
    file = forms.FileField(label=_("New file"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_TYPES}))

"""Forms of recognition decisions and of a year's targets. They parse; criteria.services checks and writes."""

from django import forms
from django.db.models import QuerySet
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit
from criteria.evidence_forms import ACCEPTED_TYPES
from criteria.forms import TypedDecimalField
from criteria.models import Recognition, Tier
from criteria.selectors import tiers_of_year
from criteria.selectors.targets import YearTargets
from criteria.services.recognitions import FIELDS, RecognitionData

DATE_HELP = _("dd/mm/yyyy")


class RecognitionForm(forms.Form):
    """The model's own fields (labels, lengths, choices), and the scanned decision."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(
                Recognition,
                fields=FIELDS,
                widgets={"note": forms.Textarea(attrs={"rows": 2})},
                help_texts={"decision_date": DATE_HELP},
            )
        )
        self.fields["decision_file"] = forms.FileField(
            label=_("Decision file"),
            required=False,
            widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_TYPES}),
            help_text=_("The signed decision, scanned: it is kept with the commune's evidence of that year."),
        )

    @staticmethod
    def initial_from(recognition: Recognition) -> dict:
        return model_to_dict(recognition, fields=FIELDS)

    def data_for_service(self) -> RecognitionData:
        return RecognitionData(**{name: self.cleaned_data[name] for name in FIELDS})


class WithdrawalForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), help_text=DATE_HELP)
    withdrawal_decision = forms.CharField(label=_("Withdrawal decision"), max_length=60)


class TargetsForm(forms.Form):
    """The communes planned for each tier of the year (one list per tier) and the average aimed at."""

    average = TypedDecimalField(
        label=_("Average criteria per commune to reach"),
        required=False,
        min_value=0,
        max_digits=5,
        decimal_places=2,
        localize=True,
        help_text=_("Empty: no average is aimed at."),
    )
    source_decision = forms.CharField(label=_("Source decision"), max_length=200, required=False)

    def __init__(self, *args, year: int, communes: QuerySet[AdministrativeUnit], **kwargs):
        super().__init__(*args, **kwargs)
        self.tiers = tiers_of_year(year)
        for tier in self.tiers:
            self.fields[tier] = forms.ModelMultipleChoiceField(
                label=_("Communes planned for %(tier)s") % {"tier": Tier(tier).label},
                queryset=communes,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    @staticmethod
    def initial_from(targets: YearTargets) -> dict:
        return {
            "average": targets.average,
            "source_decision": targets.source_decision,
            **{tier: list(ids) for tier, ids in targets.communes.items()},
        }

    def targets(self) -> YearTargets:
        data = self.cleaned_data
        return YearTargets(
            average=data["average"],
            communes={tier: frozenset(unit.pk for unit in data[tier]) for tier in self.tiers},
            source_decision=data["source_decision"],
        )

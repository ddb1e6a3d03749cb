"""How each kind of row reads in JSON: field names as in the models, codes rather than display labels (a
client translates them), exact decimals as strings."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from communes.models import AdministrativeUnit
from criteria.models import (
    Assessment,
    CriteriaSet,
    Criterion,
    CriterionResult,
    Indicator,
    Recognition,
    Target,
    Threshold,
)
from funding.models import FundingRecord
from funding.selectors import DEFAULT_KIND, Period
from ntm_portal.api.filters import FIRST_YEAR, LAST_YEAR


class ReadOnlyModelSerializer(serializers.ModelSerializer):
    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
        return fields


class UnitSerializer(ReadOnlyModelSerializer):
    successors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = AdministrativeUnit
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "level",
            "kind",
            "parent",
            "valid_from",
            "valid_to",
            "successors",
            "region",
            "applied_region",
            "commune_group",
            "is_border",
            "is_especially_difficult",
            "in_programme",
        ]


class ThresholdSerializer(ReadOnlyModelSerializer):
    """A level to reach, with its provenance: where it comes from (`source`) and whether it was checked."""

    class Meta:
        model = Threshold
        fields = ["applies_to", "year_from", "year_to", "value", "parts", "verified", "source"]


class IndicatorSerializer(ReadOnlyModelSerializer):
    thresholds = ThresholdSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "code",
            "code_verified",
            "position",
            "text",
            "kind",
            "unit",
            "comparison",
            "verified",
            "source",
            "thresholds",
        ]


class CriterionSerializer(ReadOnlyModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Criterion
        fields = ["number", "name", "name_en", "group", "indicators"]


class CriteriaSetSerializer(ReadOnlyModelSerializer):
    issuing_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = CriteriaSet
        fields = [
            "id",
            "code",
            "name",
            "decision_number",
            "decision_date",
            "decision_citation",
            "issuing_level",
            "issuing_unit",
            "parent",
            "period_start",
            "period_end",
            "effective_from",
            "tier",
            "assessed_level",
            "threshold_dimension",
            "honours_applied_region",
            "criteria",
        ]


class UnitRowSerializer(ReadOnlyModelSerializer):
    """A row of a unit: the unit's id, with its code and name for a reader without the list of units."""

    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)


class CriterionResultSerializer(ReadOnlyModelSerializer):
    criterion = serializers.IntegerField(source="criterion.number", read_only=True)

    class Meta:
        model = CriterionResult
        fields = ["criterion", "is_met", "method", "computed_is_met", "override_reason"]


class AssessmentSerializer(UnitRowSerializer):
    criteria_set = serializers.SlugRelatedField(slug_field="code", read_only=True)
    criterion_results = CriterionResultSerializer(many=True, read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "unit",
            "unit_code",
            "unit_name",
            "year",
            "criteria_set",
            "status",
            "version",
            "criteria_met",
            "criterion_results",
            "updated_at",
        ]


class RecognitionSerializer(UnitRowSerializer):
    class Meta:
        model = Recognition
        fields = [
            "id",
            "unit",
            "unit_code",
            "unit_name",
            "tier",
            "year",
            "decision_number",
            "decision_date",
            "signer",
            "withdrawn_on",
            "withdrawal_decision",
        ]


class TargetSerializer(UnitRowSerializer):
    class Meta:
        model = Target
        fields = ["id", "unit", "unit_code", "unit_name", "year", "tier", "criteria_count", "source_decision"]


# ---------------------------------------------------------------- funding totals (funding.selectors' figures)


class FundingLineSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    parent_code = serializers.CharField(allow_null=True)
    depth = serializers.IntegerField()
    is_credit = serializers.BooleanField()
    own_vnd = serializers.IntegerField(help_text="Records filed on this source itself, in đồng.")
    amount_vnd = serializers.IntegerField(help_text="Own records plus every sub-source's, in đồng.")
    share = serializers.DecimalField(max_digits=None, decimal_places=None, allow_null=True)
    share_without_credit = serializers.DecimalField(max_digits=None, decimal_places=None, allow_null=True)


class InKindSerializer(serializers.Serializer):
    labour_days = serializers.DecimalField(max_digits=None, decimal_places=None)
    land_m2 = serializers.DecimalField(max_digits=None, decimal_places=None)
    materials_vnd = serializers.IntegerField()


class FundingSummarySerializer(serializers.Serializer):
    """funding.selectors.FundingSummary; the unit it is of comes in the context."""

    unit = serializers.SerializerMethodField()
    unit_name = serializers.CharField()
    period = serializers.CharField(help_text='"2021" or "2021-2025".')
    kind = serializers.CharField()
    total_vnd = serializers.IntegerField()
    total_without_credit_vnd = serializers.IntegerField()
    credit_vnd = serializers.IntegerField()
    record_count = serializers.IntegerField()
    lines = FundingLineSerializer(many=True)
    in_kind = InKindSerializer()

    def get_unit(self, summary) -> int:
        return self.context["unit"].pk


# ---------------------------------------------------------------- query parameters of the figures


class FiguresQuery(serializers.Serializer):
    unit = serializers.IntegerField(
        required=False, min_value=1, help_text="Default: the caller's widest unit, or their commune."
    )
    year = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)


class FundingQuery(FiguresQuery):
    year = serializers.IntegerField(required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR)
    period = serializers.CharField(
        required=False, help_text='"2021-2025"; default: the year, else the latest period with records.'
    )
    kind = serializers.ChoiceField(choices=FundingRecord.Kind.choices, default=DEFAULT_KIND)

    def validate_period(self, text: str) -> Period:
        period = Period.parse(text)
        if period is None or period.start < FIRST_YEAR or period.end > LAST_YEAR:
            raise serializers.ValidationError(_("Enter a period such as 2021-2025."))
        return period

from django.contrib import admin
from django.db import models, transaction
from django.db.models import Count
from django.forms import Textarea
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from communes.admin import FoldedNameSearchMixin
from criteria.models import (
    Assessment,
    CriteriaSet,
    Criterion,
    CriterionResult,
    Evidence,
    Indicator,
    IndicatorValue,
    Recognition,
    Target,
    Threshold,
)
from criteria.services import assessments_reevaluate

# Indicator texts and notes run to a few lines; full-size textareas make tabular inlines unreadable.
COMPACT_TEXT = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 40})}}


class WithdrawnFilter(admin.SimpleListFilter):
    title = _("withdrawn")
    parameter_name = "withdrawn"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(withdrawn_on__isnull=False)
        if self.value() == "no":
            return queryset.filter(withdrawn_on__isnull=True)
        return queryset


class ResultsFollowCatalogueMixin:
    """Sets, criteria, indicators and thresholds judge the stored results: saving or deleting one (or one of
    its inline rows) judges the assessments of its set again inside the admin's transaction, so that the
    commune pages, the grid and the reports never show results the rules no longer give."""

    criteria_set_lookup = "pk"  # from the model to its criteria set
    parent_field = ""  # the field that moves a row under another set
    evaluated_fields: frozenset[str] = frozenset()  # the fields the evaluation reads

    def save_model(self, request, obj, form, change):
        moved = change and self.parent_field in form.changed_data
        left = self._criteria_set_ids([obj.pk]) if moved else set()
        super().save_model(request, obj, form, change)
        self._reevaluate(request, left - self._criteria_set_ids([obj.pk]))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if self.evaluated_fields & set(form.changed_data) or any(formset.has_changed() for formset in formsets):
            self._reevaluate(request, self._criteria_set_ids([form.instance.pk]))

    def delete_model(self, request, obj):
        criteria_set_ids = self._criteria_set_ids([obj.pk])
        super().delete_model(request, obj)
        self._reevaluate(request, criteria_set_ids)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():  # the "delete selected" action runs outside the change form's transaction
            criteria_set_ids = self._criteria_set_ids(queryset.values("pk"))
            super().delete_queryset(request, queryset)
            self._reevaluate(request, criteria_set_ids)

    def _criteria_set_ids(self, pks) -> set[int]:
        return set(self.model.objects.filter(pk__in=pks).values_list(self.criteria_set_lookup, flat=True))

    def _reevaluate(self, request, criteria_set_ids: set[int]) -> None:
        if not criteria_set_ids:
            return
        result = assessments_reevaluate(
            criteria_sets=CriteriaSet.objects.filter(pk__in=criteria_set_ids),
            user=request.user,
            reason=gettext("Judged again after the criteria catalogue was changed in the administration."),
        )
        if result.changes:
            count = len(result.changes)
            message = ngettext(
                "%(count)d criterion result changed with this correction.",
                "%(count)d criterion results changed with this correction.",
                count,
            )
            self.message_user(request, message % {"count": count})


class CriterionInline(admin.TabularInline):
    model = Criterion
    fields = ["number", "name", "name_en", "group"]
    extra = 0
    show_change_link = True


@admin.register(CriteriaSet)
class CriteriaSetAdmin(ResultsFollowCatalogueMixin, admin.ModelAdmin):
    evaluated_fields = frozenset({"threshold_dimension", "honours_applied_region"})
    list_display = [
        "code",
        "name",
        "decision_number",
        "tier",
        "assessed_level",
        "period_start",
        "period_end",
        "issuing_unit",
        "criteria_count",
        "criteria_count_declared",
    ]
    list_filter = ["tier", "assessed_level", "issuing_level", "threshold_dimension", "period_start"]
    list_select_related = ["issuing_unit"]
    search_fields = ["code", "name", "decision_number"]
    autocomplete_fields = ["issuing_unit", "parent"]
    inlines = [CriterionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(criteria_total=Count("criteria"))

    @admin.display(description=_("criteria (entered)"), ordering="criteria_total")
    def criteria_count(self, criteria_set: CriteriaSet) -> int:
        return criteria_set.criteria_total


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fields = ["code", "position", "text", "kind", "unit", "comparison", "verified"]
    formfield_overrides = COMPACT_TEXT
    extra = 0
    show_change_link = True


@admin.register(Criterion)
class CriterionAdmin(ResultsFollowCatalogueMixin, admin.ModelAdmin):
    criteria_set_lookup = "criteria_set"
    parent_field = "criteria_set"
    evaluated_fields = frozenset({"criteria_set", "number"})
    list_display = ["number", "name", "criteria_set", "group"]
    list_display_links = ["number", "name"]
    list_filter = ["criteria_set"]
    list_select_related = ["criteria_set"]
    search_fields = ["name", "name_en", "group", "criteria_set__code", "criteria_set__name"]
    autocomplete_fields = ["criteria_set"]
    inlines = [IndicatorInline]


class ThresholdInline(admin.TabularInline):
    model = Threshold
    fields = ["applies_to", "year_from", "year_to", "value", "parts", "verified", "source"]
    formfield_overrides = {models.JSONField: {"widget": Textarea(attrs={"rows": 2, "cols": 30})}}
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(ResultsFollowCatalogueMixin, admin.ModelAdmin):
    criteria_set_lookup = "criterion__criteria_set"
    parent_field = "criterion"
    evaluated_fields = frozenset({"criterion", "code", "kind", "comparison"})
    list_display = ["code", "short_text", "criterion", "criteria_set", "kind", "comparison", "verified"]
    list_filter = ["kind", "verified", "code_verified", "criterion__criteria_set"]
    list_select_related = ["criterion__criteria_set"]
    search_fields = ["code", "text", "criterion__name", "criterion__criteria_set__code"]
    autocomplete_fields = ["criterion"]
    inlines = [ThresholdInline]

    @admin.display(description=_("indicator"), ordering="text")
    def short_text(self, indicator: Indicator) -> str:
        return indicator.text[:100]

    @admin.display(description=_("criteria set"), ordering="criterion__criteria_set")
    def criteria_set(self, indicator: Indicator) -> CriteriaSet:
        return indicator.criterion.criteria_set


@admin.register(Threshold)
class ThresholdAdmin(ResultsFollowCatalogueMixin, admin.ModelAdmin):
    criteria_set_lookup = "indicator__criterion__criteria_set"
    parent_field = "indicator"
    evaluated_fields = frozenset({"indicator", "applies_to", "year_from", "year_to", "value", "parts"})
    list_display = ["indicator", "applies_to", "year_from", "year_to", "value", "verified"]
    list_filter = ["applies_to", "verified", "indicator__criterion__criteria_set"]
    list_select_related = ["indicator"]
    search_fields = ["indicator__code", "indicator__text", "applies_to", "value"]
    autocomplete_fields = ["indicator"]


class ResultsReadOnlyMixin:
    """Results change only through the portal's entry form and imports, which check scope, refuse stale
    edits and write the history; the admin shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class IndicatorValueInline(ResultsReadOnlyMixin, admin.TabularInline):
    model = IndicatorValue
    fields = ["indicator", "number", "flag", "parts", "note"]
    autocomplete_fields = ["indicator"]
    formfield_overrides = {**COMPACT_TEXT, models.JSONField: {"widget": Textarea(attrs={"rows": 2, "cols": 30})}}
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator")


class CriterionResultInline(ResultsReadOnlyMixin, admin.TabularInline):
    model = CriterionResult
    fields = ["criterion", "is_met", "method", "computed_is_met", "override_reason"]
    autocomplete_fields = ["criterion"]
    formfield_overrides = COMPACT_TEXT
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("criterion")


@admin.register(Assessment)
class AssessmentAdmin(ResultsReadOnlyMixin, FoldedNameSearchMixin, admin.ModelAdmin):
    list_display = ["unit", "year", "criteria_set", "status", "version", "updated_at", "updated_by"]
    list_filter = ["year", "status", "criteria_set"]
    list_select_related = ["unit", "criteria_set", "updated_by"]
    search_fields = ["unit__name", "unit__code"]
    autocomplete_fields = ["unit", "criteria_set"]
    readonly_fields = ["updated_at", "updated_by"]
    inlines = [IndicatorValueInline, CriterionResultInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ResultsReadOnlyMixin, FoldedNameSearchMixin, admin.ModelAdmin):
    folded_name_field = "assessment__unit__search_name"
    list_display = ["assessment", "indicator", "number", "flag", "parts"]
    list_filter = ["assessment__year", "assessment__criteria_set"]
    list_select_related = ["assessment__unit", "indicator"]
    search_fields = ["assessment__unit__name", "assessment__unit__code", "indicator__code"]
    autocomplete_fields = ["assessment", "indicator"]


@admin.register(CriterionResult)
class CriterionResultAdmin(ResultsReadOnlyMixin, FoldedNameSearchMixin, admin.ModelAdmin):
    folded_name_field = "assessment__unit__search_name"
    list_display = ["assessment", "criterion", "is_met", "method", "computed_is_met"]
    list_filter = ["method", "is_met", "assessment__year", "assessment__criteria_set"]
    list_select_related = ["assessment__unit", "criterion"]
    search_fields = ["assessment__unit__name", "assessment__unit__code", "criterion__name"]
    autocomplete_fields = ["assessment", "criterion"]


@admin.register(Recognition)
class RecognitionAdmin(FoldedNameSearchMixin, admin.ModelAdmin):
    list_display = ["unit", "tier", "year", "decision_number", "decision_date", "withdrawn_on"]
    list_filter = ["tier", "year", WithdrawnFilter]
    list_select_related = ["unit"]
    search_fields = ["unit__name", "unit__code", "decision_number"]
    autocomplete_fields = ["unit"]
    # The decision file is uploaded on the commune's recognitions page, through the checks of evidence.
    readonly_fields = ["decision_file"]


@admin.register(Target)
class TargetAdmin(FoldedNameSearchMixin, admin.ModelAdmin):
    list_display = ["unit", "year", "tier", "criteria_count", "source_decision"]
    list_filter = ["year", "tier"]
    list_select_related = ["unit"]
    search_fields = ["unit__name", "unit__code", "source_decision"]
    autocomplete_fields = ["unit"]


@admin.register(Evidence)
class EvidenceAdmin(ResultsReadOnlyMixin, FoldedNameSearchMixin, admin.ModelAdmin):
    """Uploads, reviews and deletions go through the portal (scope, checks of content, history)."""

    folded_name_field = "assessment__unit__search_name"
    list_display = ["title", "assessment", "criterion", "status", "content_type", "size", "uploaded_at", "deleted_at"]
    list_filter = ["status", "assessment__year", "content_type"]
    list_select_related = ["assessment__unit", "criterion"]
    search_fields = ["title", "document_number", "issuer", "assessment__unit__name", "sha256"]
    exclude = ["file"]

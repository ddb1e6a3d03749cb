"""The query parameters of the API lists: `?unit=` (the unit and everything under it, 404 when it is not the
caller's, as on the pages) and `?year=`, with a few fields of each kind of row."""

import datetime

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from communes import access
from communes.models import AdministrativeUnit
from criteria.models import Assessment, CriteriaSet, Recognition, Target, Tier
from ntm_portal.api.selectors import unit_ids_within

# The years the portal can hold, as its pages read them from the address.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def year_filter(**kwargs) -> django_filters.NumberFilter:
    return django_filters.NumberFilter(
        min_value=FIRST_YEAR, max_value=LAST_YEAR, decimal_places=0, label=_("Year"), **kwargs
    )


class ScopedFilterSet(django_filters.FilterSet):
    """`?unit=`: rows of that unit and of everything under it; `unit_path` leads from a row to its unit."""

    unit_path = "unit"
    unit = django_filters.NumberFilter(
        method="filter_unit", min_value=1, decimal_places=0, label=_("Unit, with everything under it")
    )

    def filter_unit(self, queryset, name: str, value) -> QuerySet:
        unit = access.unit_for_user_or_404(self.request.user, int(value))
        return queryset.filter(**{f"{self.unit_path}__in": unit_ids_within(unit)})


class UnitFilter(ScopedFilterSet):
    unit_path = "pk"
    year = year_filter(method="filter_year")
    level = django_filters.ChoiceFilter(choices=AdministrativeUnit.Level.choices)

    class Meta:
        model = AdministrativeUnit
        fields = ["code", "in_programme"]

    def filter_year(self, queryset, name: str, value) -> QuerySet:
        """Units on the map in force on 1 January of the year, as every page counts a year."""
        return queryset.valid_on(datetime.date(int(value), 1, 1))


class CriteriaSetFilter(django_filters.FilterSet):
    year = year_filter(method="filter_year")
    tier = django_filters.ChoiceFilter(choices=Tier.choices)
    assessed_level = django_filters.ChoiceFilter(choices=CriteriaSet.AssessedLevel.choices)

    class Meta:
        model = CriteriaSet
        fields = ["code"]

    def filter_year(self, queryset, name: str, value) -> QuerySet:
        """Sets whose period covers the year."""
        return queryset.filter(period_start__lte=int(value), period_end__gte=int(value))


class AssessmentFilter(ScopedFilterSet):
    year = year_filter(field_name="year")
    status = django_filters.ChoiceFilter(choices=Assessment.Status.choices)
    criteria_set = django_filters.CharFilter(field_name="criteria_set__code", label=_("Criteria set code"))

    class Meta:
        model = Assessment
        fields: list[str] = []


class RecognitionFilter(ScopedFilterSet):
    year = year_filter(field_name="year")
    tier = django_filters.ChoiceFilter(choices=Tier.choices)

    class Meta:
        model = Recognition
        fields: list[str] = []


class TargetFilter(ScopedFilterSet):
    year = year_filter(field_name="year")
    tier = django_filters.ChoiceFilter(choices=Tier.choices)

    class Meta:
        model = Target
        fields: list[str] = []

"""What each API list reads: the models of every app, narrowed to the caller's scope by communes/access.py and
loaded with what their serializers print in a fixed number of queries."""

from django.db.models import Prefetch, QuerySet

from communes import access
from communes.models import AdministrativeUnit
from criteria.models import Assessment, CriteriaSet, Criterion, CriterionResult, Indicator, Recognition, Target


def units_in_scope(user) -> QuerySet[AdministrativeUnit]:
    return access.visible_units(user).prefetch_related("successors").order_by("level", "code", "pk")


def criteria_sets_in_scope(user) -> QuerySet[CriteriaSet]:
    """Sets with their criteria, indicators and thresholds (four queries a page)."""
    indicators = Indicator.objects.prefetch_related("thresholds").order_by("position", "code")
    criteria = Criterion.objects.prefetch_related(Prefetch("indicators", queryset=indicators)).order_by("number")
    sets = CriteriaSet.objects.select_related("issuing_unit", "parent").prefetch_related(
        Prefetch("criteria", queryset=criteria)
    )
    return access.readable_criteria_sets(user, sets).order_by("period_start", "code", "pk")


def assessments_in_scope(user) -> QuerySet[Assessment]:
    """Assessments of the units in scope with their criterion results in criterion order."""
    results = CriterionResult.objects.select_related("criterion").order_by("criterion__number")
    return (
        Assessment.objects.filter(unit__in=access.visible_units(user))
        .select_related("unit", "criteria_set")
        .prefetch_related(Prefetch("criterion_results", queryset=results))
        .order_by("-year", "unit__code", "pk")
    )


def recognitions_in_scope(user) -> QuerySet[Recognition]:
    return (
        Recognition.objects.filter(unit__in=access.visible_units(user))
        .select_related("unit")
        .order_by("-year", "unit__code", "tier", "pk")
    )


def targets_in_scope(user) -> QuerySet[Target]:
    return (
        Target.objects.filter(unit__in=access.visible_units(user))
        .select_related("unit")
        .order_by("-year", "unit__code", "pk")
    )


def unit_ids_within(unit: AdministrativeUnit) -> list[int]:
    """The unit and every unit under it: what `?unit=` narrows a list to (one query)."""
    return list(AdministrativeUnit.objects.within(unit).values_list("pk", flat=True))

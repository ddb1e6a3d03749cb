"""Counts of evidence: per criterion of one assessment, and by status over many."""

from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Count

from criteria.models import Assessment, CriteriaSet, Evidence


class EvidenceTally(NamedTuple):
    accepted: int
    total: int


def evidence_tallies(*, assessment: Assessment | None) -> dict[int | None, EvidenceTally]:
    """Visible evidence of an assessment per criterion number (None: not tied to a criterion). One query."""
    if assessment is None:
        return {}
    tallies: dict[int | None, list[int]] = {}
    rows = (
        Evidence.objects.visible().filter(assessment=assessment).order_by().values_list("criterion__number", "status")
    )
    for number, status in rows:
        counts = tallies.setdefault(number, [0, 0])
        counts[0] += status == Evidence.Status.ACCEPTED
        counts[1] += 1
    return {number: EvidenceTally(*counts) for number, counts in tallies.items()}


def unproven_count(results: Iterable[bool | None], evidence_summary: str) -> int:
    """Criteria marked met without accepted evidence (`evidence_summary`: "1" per criterion that has some)."""
    proven = evidence_summary.ljust(len(results := tuple(results)), "0")
    return sum(1 for is_met, has_evidence in zip(results, proven, strict=False) if is_met and has_evidence != "1")


def evidence_by_status(*, unit_ids: list[int], year: int, criteria_set: CriteriaSet | None) -> dict[str, int]:
    """Evidence not deleted of these communes' assessments of the year against the set, by status."""
    return dict(
        Evidence.objects.filter(
            assessment__unit_id__in=unit_ids,
            assessment__year=year,
            assessment__criteria_set=criteria_set,
            deleted_at__isnull=True,
        )
        .values_list("status")
        .annotate(count=Count("pk"))
    )


def communes_with_evidence(*, unit_ids: list[int], year: int, status: str) -> frozenset[int]:
    """Of these communes, those with evidence of the year in this status, not deleted (a grid filter)."""
    return frozenset(
        Evidence.objects.visible()
        .filter(status=status, assessment__unit_id__in=unit_ids, assessment__year=year)
        .values_list("assessment__unit_id", flat=True)
    )

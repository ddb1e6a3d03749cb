"""Criteria sets and what they measure (catalogue), assessments and their results, evidence."""

from criteria.models.assessments import (
    SUMMARY_MET,
    SUMMARY_NO_RESULT,
    SUMMARY_NOT_MET,
    Assessment,
    CriterionResult,
    IndicatorValue,
    Recognition,
    Target,
)
from criteria.models.catalogue import CriteriaSet, Criterion, Indicator, Threshold, Tier
from criteria.models.evidence import Evidence

__all__ = [
    "SUMMARY_MET",
    "SUMMARY_NOT_MET",
    "SUMMARY_NO_RESULT",
    "Assessment",
    "CriteriaSet",
    "Criterion",
    "CriterionResult",
    "Evidence",
    "Indicator",
    "IndicatorValue",
    "Recognition",
    "Target",
    "Threshold",
    "Tier",
]

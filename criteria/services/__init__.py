"""Writes of the criteria app: assessments (entry, workflow, summaries, judging again) and their evidence."""

from criteria.imports import ImportSummary
from criteria.services.assessments import (
    AssessmentError,
    AssessmentLocked,
    DirectInput,
    NoCriteriaSet,
    NotPermitted,
    ResultsInvalid,
    StaleAssessment,
    StepRefused,
    assessment_save,
    assessment_step,
    assessment_summaries_refresh,
    criteria_set_for,
    district_step,
    normalised,
    result_text,
    value_text,
)
from criteria.services.evidence import (
    EvidenceFileChanged,
    EvidenceRefused,
    evidence_delete,
    evidence_restore,
    evidence_review,
    evidence_upload,
    evidence_verified_file,
)
from criteria.services.imports import results_import, results_import_plan
from criteria.services.reevaluation import ReevaluationResult, ResultChange, assessments_reevaluate

__all__ = [
    "AssessmentError",
    "AssessmentLocked",
    "DirectInput",
    "EvidenceFileChanged",
    "EvidenceRefused",
    "ImportSummary",
    "NoCriteriaSet",
    "NotPermitted",
    "ReevaluationResult",
    "ResultChange",
    "ResultsInvalid",
    "StaleAssessment",
    "StepRefused",
    "assessment_save",
    "assessment_step",
    "assessment_summaries_refresh",
    "assessments_reevaluate",
    "criteria_set_for",
    "district_step",
    "evidence_delete",
    "evidence_restore",
    "evidence_review",
    "evidence_upload",
    "evidence_verified_file",
    "normalised",
    "result_text",
    "results_import",
    "results_import_plan",
    "value_text",
]

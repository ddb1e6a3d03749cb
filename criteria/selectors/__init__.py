"""Reads of criteria sets and assessments, shared by pages, imports, exports and reports.

- `sets`: the set in force for a year and province, the set as the engine sees it, its bands;
- `communes`: the programme communes of a year (the denominator), assessment years;
- `results`: the one reader of a year's results (`year_results`);
- `grid`, `overview`: the results grid and the overview of provinces, built on it;
- `recognitions`, `evidence`, `history`: what the reports add to it;
- `lineage`: a commune's predecessors across map changes and their results (history, never totals);
- `inputs`: a commune-year's inputs for the evaluation engine;
- `tasks`: the work waiting for a user (the home page).
"""

from criteria.selectors.communes import (
    all_programme_communes,
    assessment_years,
    commune_default_year,
    commune_groups,
    default_year,
    parents_to_roots,
    programme_commune_ids,
    programme_communes,
    programme_communes_on,
    programme_communes_under,
)
from criteria.selectors.evidence import (
    EvidenceTally,
    communes_with_evidence,
    evidence_by_status,
    evidence_tallies,
    unproven_count,
)
from criteria.selectors.grid import (
    GRID_SORTS,
    NOT_RECOGNISED,
    RECOGNISED,
    WORKFLOW_STATUSES,
    BandLine,
    GridColumn,
    GridFilters,
    GridGroup,
    GridRow,
    ResultsGrid,
    band_lines,
    grid_of,
    results_grid,
)
from criteria.selectors.history import HISTORY_FROM, YearHistory, results_history
from criteria.selectors.inputs import assessment_evaluation, direct_results, evaluate_inputs, unit_area_key
from criteria.selectors.lineage import (
    Lineage,
    LineageYear,
    PastRecognition,
    Predecessor,
    PredecessorResult,
    UnitLink,
    commune_lineage,
    commune_successors,
)
from criteria.selectors.overview import OverviewRow, overview_bands, results_overview
from criteria.selectors.recognitions import (
    TIER_RANK,
    TIERS,
    PeriodRecognitions,
    highest_tiers,
    lost_criteria,
    period_recognitions,
    planned_average,
    recognitions_held,
    year_targets,
)
from criteria.selectors.results import (
    NO_ASSESSMENT,
    CommuneResult,
    CriterionRef,
    YearResults,
    band_summary,
    met_per_criterion,
    percent,
    summary_results,
    year_results,
)
from criteria.selectors.sets import (
    chosen_criteria_set,
    commune_criteria_sets,
    covered_years,
    criteria_set_in_force,
    set_bands,
    set_in_force,
    set_spec,
)
from criteria.selectors.tasks import WaitingWork, assessment_tasks, evidence_tasks

__all__ = [
    "GRID_SORTS",
    "HISTORY_FROM",
    "NOT_RECOGNISED",
    "NO_ASSESSMENT",
    "RECOGNISED",
    "TIERS",
    "TIER_RANK",
    "WORKFLOW_STATUSES",
    "BandLine",
    "CommuneResult",
    "CriterionRef",
    "EvidenceTally",
    "GridColumn",
    "GridFilters",
    "GridGroup",
    "GridRow",
    "Lineage",
    "LineageYear",
    "OverviewRow",
    "PastRecognition",
    "PeriodRecognitions",
    "Predecessor",
    "PredecessorResult",
    "ResultsGrid",
    "UnitLink",
    "WaitingWork",
    "YearHistory",
    "YearResults",
    "all_programme_communes",
    "assessment_evaluation",
    "assessment_tasks",
    "assessment_years",
    "band_lines",
    "band_summary",
    "chosen_criteria_set",
    "commune_criteria_sets",
    "commune_default_year",
    "commune_groups",
    "commune_lineage",
    "commune_successors",
    "communes_with_evidence",
    "covered_years",
    "criteria_set_in_force",
    "default_year",
    "direct_results",
    "evaluate_inputs",
    "evidence_by_status",
    "evidence_tallies",
    "evidence_tasks",
    "grid_of",
    "highest_tiers",
    "lost_criteria",
    "met_per_criterion",
    "overview_bands",
    "parents_to_roots",
    "percent",
    "period_recognitions",
    "planned_average",
    "programme_commune_ids",
    "programme_communes",
    "programme_communes_on",
    "programme_communes_under",
    "recognitions_held",
    "results_grid",
    "results_history",
    "results_overview",
    "set_bands",
    "set_in_force",
    "set_spec",
    "summary_results",
    "unit_area_key",
    "unproven_count",
    "year_results",
    "year_targets",
]

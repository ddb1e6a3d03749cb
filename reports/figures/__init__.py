"""Every figure of a progress report, computed once: the dashboard, the Excel appendix, the PDF and the DOCX
all print a `ReportFigures` (plain frozen data, `data`), read through the selectors by `loader` and stored
with an issued report by `snapshot`."""

from criteria.selectors import TIERS
from reports.figures.data import (
    BandFigures,
    CriterionFigures,
    DistrictFigures,
    EvidenceFigures,
    LostCriteria,
    MapCommune,
    MapFigures,
    MatrixFigures,
    PlanFigures,
    ReportFigures,
    SetRef,
    SetSegment,
    TierFigures,
    UnitRef,
    YearFigures,
    YearSummary,
)
from reports.figures.loader import matrix_figures, plan_figures, report_figures
from reports.figures.snapshot import SnapshotError, figures_from_json, figures_json

__all__ = [
    "TIERS",
    "BandFigures",
    "CriterionFigures",
    "DistrictFigures",
    "EvidenceFigures",
    "LostCriteria",
    "MapCommune",
    "MapFigures",
    "MatrixFigures",
    "PlanFigures",
    "ReportFigures",
    "SetRef",
    "SetSegment",
    "SnapshotError",
    "TierFigures",
    "UnitRef",
    "YearFigures",
    "YearSummary",
    "figures_from_json",
    "figures_json",
    "matrix_figures",
    "plan_figures",
    "report_figures",
]

"""The API's endpoints: lists and rows of every app, and the funding totals and report figures of a unit and a
year. Each reads through ntm_portal.api.selectors or the apps' selectors; scope is communes/access.py's."""

from csp.constants import SELF
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from communes import access
from communes.models import AdministrativeUnit
from funding.selectors import Period, funding_periods, funding_summary
from ntm_portal.api import filters, selectors, serializers
from reports.figures import figures_json, report_figures


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Administrative units in scope, with their validity and their successors after a change of the map."""

    serializer_class = serializers.UnitSerializer
    filterset_class = filters.UnitFilter

    def get_queryset(self):
        return selectors.units_in_scope(self.request.user)


class CriteriaSetViewSet(viewsets.ReadOnlyModelViewSet):
    """Criteria sets with their criteria, indicators and thresholds: the national sets and the caller's
    provinces' own."""

    serializer_class = serializers.CriteriaSetSerializer
    filterset_class = filters.CriteriaSetFilter

    def get_queryset(self):
        return selectors.criteria_sets_in_scope(self.request.user)


class AssessmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Assessments of communes in scope: status and the result of each criterion."""

    serializer_class = serializers.AssessmentSerializer
    filterset_class = filters.AssessmentFilter

    def get_queryset(self):
        return selectors.assessments_in_scope(self.request.user)


class RecognitionViewSet(viewsets.ReadOnlyModelViewSet):
    """Decisions recognising units in scope as having reached a tier, and their withdrawal."""

    serializer_class = serializers.RecognitionSerializer
    filterset_class = filters.RecognitionFilter

    def get_queryset(self):
        return selectors.recognitions_in_scope(self.request.user)


class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    """Planned results of units in scope: a tier to reach or a number of criteria to meet."""

    serializer_class = serializers.TargetSerializer
    filterset_class = filters.TargetFilter

    def get_queryset(self):
        return selectors.targets_in_scope(self.request.user)


def asked_unit(request: Request, raw: int | None) -> AdministrativeUnit:
    """The unit named (404 when it is not the caller's), else the caller's widest one or their commune, as the
    funding page and the dashboard choose; 404 too for a caller with neither."""
    roots = access.overview_roots(request.user)
    unit = access.asked_or_default_unit(request.user, None if raw is None else str(raw), roots=roots)
    if unit is None:
        raise NotFound(_("Name a unit: ?unit=<id>."))
    return unit


class FundingView(APIView):
    @extend_schema(
        parameters=[serializers.FundingQuery],
        responses=serializers.FundingSummarySerializer,
        summary="Funding totals of a unit and everything under it, by source, for a year or a period",
    )
    def get(self, request: Request) -> Response:
        query = serializers.FundingQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        asked = query.validated_data
        unit = asked_unit(request, asked.get("unit"))
        kind = asked["kind"]
        period = asked.get("period") or (Period.year(asked["year"]) if "year" in asked else None)
        period = period or next(iter(funding_periods(unit=unit, kind=kind)), None)
        if period is None:
            raise NotFound(_("No funding is recorded for this unit."))
        summary = funding_summary(unit=unit, period=period, kind=kind)
        return Response(serializers.FundingSummarySerializer(summary, context={"unit": unit}).data)


class ReportFiguresView(APIView):
    @extend_schema(
        parameters=[serializers.FiguresQuery],
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
        summary="Every figure of a unit's annual report for a year",
        description=(
            "The figures the dashboard, the PDF, the Excel appendix and the DOCX print, as an issued report stores "
            'them: {"version": …, "figures": {…}}, exact decimals as strings.'
        ),
    )
    def get(self, request: Request) -> Response:
        query = serializers.FiguresQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        unit = asked_unit(request, query.validated_data.get("unit"))
        return Response(figures_json(report_figures(unit=unit, year=query.validated_data["year"])))


# Swagger UI's stylesheet draws its icons as data: images; images cannot run code, so this page alone allows them.
@method_decorator(name="dispatch", decorator=csp_update({"img-src": [SELF, "data:"]}))
@method_decorator(name="get", decorator=extend_schema(exclude=True))
class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI with its files from the project (drf-spectacular-sidecar) and its set-up script as a file of its
    own, so scripts and styles need no exception to the Content-Security-Policy (the template has no inline style).
    """

    template_name = "ntm_portal/api_docs.html"
    url_name = "api:schema"

"""The funding page: money by source for a unit in scope, over a year or a period, with the checks."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from communes import access
from funding import selectors
from funding.models import FundingRecord

# The years the portal can hold; anything else in the address falls back to the default period.
YEARS = range(2000, 2101)
# Deeper sources of the funding tree are indented as far as this level (portal.css has depth-0 … depth-5).
MAX_INDENT_DEPTH = 5


@login_required
def summary(request: HttpRequest) -> HttpResponse:
    roots = access.overview_roots(request.user)
    unit = access.asked_or_default_unit(request.user, request.GET.get("unit"), roots=roots)
    if unit is None:
        return render(request, "funding/summary.html", {"roots": roots})
    kind = request.GET.get("kind", "")
    kind = kind if kind in FundingRecord.Kind.values else selectors.DEFAULT_KIND
    periods = selectors.funding_periods(unit=unit, kind=kind)
    period = _period(request.GET) or (periods[0] if periods else None)
    context = {
        "roots": roots if unit in roots else [unit, *roots],
        "unit": unit,
        "kind": kind,
        "kind_choices": FundingRecord.Kind.choices,
        "periods": sorted({*periods, period} - {None}, key=lambda p: (-p.end, p.start)),
        "period": period,
    }
    if period is not None:
        figures = selectors.funding_summary(unit=unit, period=period, kind=kind)
        context["summary"] = figures
        context["rows"] = [
            {
                "line": line,
                # A class per level (portal.css), not a style attribute, which the CSP refuses
                "depth_class": f"depth-{min(line.depth, MAX_INDENT_DEPTH)}",
                "amount": selectors.million_dong(line.amount_vnd),
                "share": selectors.percent(line.share),
                "share_without_credit": selectors.percent(line.share_without_credit),
            }
            for line in figures.lines
        ]
        context["hundred"] = selectors.percent(Decimal(100))
        context["total"] = selectors.million_dong(figures.total_vnd)
        context["total_without_credit"] = selectors.million_dong(figures.total_without_credit_vnd)
        context["in_kind"] = {
            "labour_days": selectors.quantity_text(figures.in_kind.labour_days),
            "land_m2": selectors.quantity_text(figures.in_kind.land_m2),
            "materials": selectors.million_dong(figures.in_kind.materials_vnd),
        }
        if access.can_check_funding(request.user, unit):
            context["findings"] = selectors.funding_findings(unit=unit, period=period, kind=kind)
    return render(request, "funding/summary.html", context)


def _period(params: QueryDict) -> selectors.Period | None:
    """?period=2011-2020 or ?year=2019; a value outside the portal's years is ignored."""
    raw_year = params.get("year", "")
    period = selectors.Period.parse(params.get("period", "")) or (
        selectors.Period.year(int(raw_year)) if raw_year.isdigit() else None
    )
    if period is None or period.start not in YEARS or period.end not in YEARS:
        return None
    return period

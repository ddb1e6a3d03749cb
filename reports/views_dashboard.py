"""The leaders' dashboard: the headline figures of their scope, the charts and the map, the latest issued report."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from communes import access
from criteria import selectors
from reports.figures import report_figures
from reports.models import ReportFile
from reports.selectors import latest_issued_report
from reports.structure import criteria_charts, funding_chart, map_chart


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    roots = access.overview_roots(request.user)
    unit = access.asked_unit_or_404(request.user, request.GET.get("unit"), roots=roots) or (roots[0] if roots else None)
    if unit is None:
        return render(request, "reports/dashboard.html", {"roots": roots})
    years = selectors.assessment_years(roots=[unit])
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and int(raw) in years else selectors.default_year()
    figures = report_figures(unit=unit, year=year)
    latest = latest_issued_report(unit)
    labels = dict(ReportFile.Format.choices)
    files = [(stored.format, labels[stored.format]) for stored in latest.files.defer("content")] if latest else []
    return render(
        request,
        "reports/dashboard.html",
        {
            "roots": roots,
            "unit": unit,
            "year": year,
            "years": sorted(set(years) | {year}, reverse=True),
            "figures": figures,
            "ntm": figures.tier("ntm"),
            "charts": [*criteria_charts(figures), *funding_chart(figures)],
            "map": next(iter(map_chart(figures)), None),
            "map_rows": [
                (commune.name, commune.met, figures.band_of(commune.met))
                for commune in (figures.map.communes if figures.map else ())
            ],
            "boundaries_link": bool(access.boundary_provinces(request.user)),
            "latest": latest,
            "files": sorted(files),
        },
    )

"""The results grid of a province or district (communes × criteria) and the overview of provinces."""

import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from communes import access
from communes.models import AdministrativeUnit
from criteria import exports, presenters, selectors, tasks
from criteria.models import Evidence
from ntm_portal.downloads import attachment_header

# The years the portal can hold; anything else in the address falls back to the default year.
YEARS = range(2000, 2101)

# A band key as the filter form sends it ("all", "15_18", "under_10"); which exist depends on the set.
BAND_KEY = re.compile(r"all|under_\d{1,2}|\d{1,2}(_\d{1,2})?")
TIER_LABELS = {selectors.RECOGNISED: _("Recognised"), selectors.NOT_RECOGNISED: _("Not recognised")}
SORT_LABELS = {
    "district": _("By district"),
    "name": _("By name"),
    "met": _("Fewest criteria met first"),
    "-met": _("Most criteria met first"),
}
# The evidence filter: the communes with some evidence awaiting review, or rejected and to be replaced.
EVIDENCE_LABELS = {
    Evidence.Status.PENDING: _("With evidence awaiting review"),
    Evidence.Status.REJECTED: _("With rejected evidence"),
}
OVERVIEW_ROOT_LEVELS = (AdministrativeUnit.Level.PROVINCE, AdministrativeUnit.Level.DISTRICT)


@login_required
def grid(request: HttpRequest) -> HttpResponse:
    roots = access.overview_roots(request.user)
    unit = _grid_unit(request, roots)
    if unit is None:
        return render(request, "criteria/grid.html", {"roots": roots})
    filters = _grid_filters(request.GET)
    results = selectors.results_grid(
        within=unit, year=_year(request.GET), set_code=request.GET.get("set", ""), filters=filters
    )
    show_district = not results.grouped and bool(results.districts)
    return render(
        request,
        "criteria/grid.html",
        {
            "roots": roots,
            "unit": unit,
            "grid": results,
            "filters": filters,
            "table": presenters.grid_table(results, show_district=show_district),
            "legend": presenters.criteria_legend(results),
            "bands": [(band_label(line), line) for line in selectors.band_lines(results.summary, results.bands)],
            "band_choices": [(band.key, band_label(band)) for band in results.bands.all_bands],
            "tier_choices": list(TIER_LABELS.items()),
            "status_choices": [(s, presenters.status_label(s)) for s in selectors.WORKFLOW_STATUSES],
            "evidence_choices": list(EVIDENCE_LABELS.items()),
            "sort_choices": [
                (key, label) for key, label in SORT_LABELS.items() if key != "district" or results.districts
            ],
            "can_import": access.can_import(request.user),
        },
    )


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    roots = access.overview_roots(request.user)
    years = selectors.assessment_years(roots=access.roots_in_scope(request.user, roots))
    year = _year(request.GET) or selectors.default_year()
    rows = selectors.results_overview(roots=roots, year=year)
    return render(
        request,
        "criteria/overview.html",
        {
            "year": year,
            "years": sorted({*years, year}, reverse=True),
            "rows": rows,
            "body": presenters.overview_body(rows, year=year),
            "band_labels": [
                band_label(band) for band in (rows[0].bands if rows else selectors.overview_bands(year)).lower
            ],
            "statuses": [(s, presenters.status_label(s)) for s in selectors.WORKFLOW_STATUSES],
        },
    )


@login_required
def results_export(request: HttpRequest) -> HttpResponse:
    """The grid of a province or district as an .xlsx or CSV file in the wide layout, or the blank template.

    Scope exactly as the grid: the unit asked for must be one the user may see (404 otherwise). A unit of
    more than EXPORT_INLINE_MAX_ROWS communes is exported by a job, downloaded from the job's page.
    """
    unit = _grid_unit(request, access.overview_roots(request.user))
    if unit is None:
        raise Http404
    year = _year(request.GET) or selectors.default_year()
    set_code = request.GET.get("set", "")
    template = request.GET.get("template") == "1"
    kind = "xlsx" if template else request.GET.get("format", "xlsx")
    if kind not in exports.EXPORT_FORMATS:
        raise Http404
    if selectors.programme_communes(within=unit, year=year).count() > settings.EXPORT_INLINE_MAX_ROWS:
        back_url = f"{reverse('criteria:grid')}?{urlencode({'unit': unit.pk, 'year': year})}"
        job = tasks.results_export_enqueue(
            user=request.user, unit=unit, year=year, set_code=set_code, kind=kind, template=template, back_url=back_url
        )
        return redirect("download_job", job_id=job.pk)
    results = selectors.results_grid(within=unit, year=year, set_code=set_code)
    if results.criteria_set is None:
        raise Http404
    content_type, extension = exports.EXPORT_FORMATS[kind]
    content = exports.results_export_file(results, kind=kind, template=template)
    response = HttpResponse(content, content_type=content_type)
    stem = exports.results_export_stem(unit, results.year, template=template)
    response["Content-Disposition"] = attachment_header(stem, extension, fallback="ket-qua")
    return response


def band_label(band) -> str:
    """ "All 19 criteria", "15-18 criteria", "Under 10 criteria", "9 criteria" for a band of the set."""
    if band.key == "all":
        return gettext("All %(count)d criteria") % {"count": band.high}
    if band.low == 0:
        return gettext("Under %(count)d criteria") % {"count": band.high + 1}
    if band.low == band.high:
        return ngettext("%(count)d criterion", "%(count)d criteria", band.low) % {"count": band.low}
    return gettext("%(low)d-%(high)d criteria") % {"low": band.low, "high": band.high}


def _grid_unit(request: HttpRequest, roots: list[AdministrativeUnit]) -> AdministrativeUnit | None:
    """The province or district asked for (404 when it is not the user's), else the user's widest one."""
    unit = access.asked_unit_or_404(request.user, request.GET.get("unit"), roots=roots)
    if unit is None:
        return roots[0] if roots else None
    if unit.level not in OVERVIEW_ROOT_LEVELS:
        raise Http404
    return unit


def _year(params: QueryDict) -> int | None:
    raw = params.get("year", "")
    return int(raw) if raw.isdigit() and int(raw) in YEARS else None


def _grid_filters(params: QueryDict) -> selectors.GridFilters:
    """The filters of the query string; a value the form cannot produce is ignored."""

    def choice(name: str, allowed) -> str:
        value = params.get(name, "")
        return value if value in allowed else ""

    district = params.get("district", "")
    return selectors.GridFilters(
        district=int(district) if district.isdigit() else None,
        band=params.get("band", "") if BAND_KEY.fullmatch(params.get("band", "")) else "",
        tier=choice("tier", TIER_LABELS),
        status=choice("status", selectors.WORKFLOW_STATUSES),
        query=params.get("q", "").strip()[:100],
        sort=choice("sort", selectors.GRID_SORTS) or "district",
        evidence=choice("evidence", EVIDENCE_LABELS),
    )

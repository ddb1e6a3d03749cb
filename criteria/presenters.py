"""HTML of the results grid, built in Python.

139 communes × 19 criteria are 2,641 cells: Django's template loops, and even format_html or reverse()
once per row, cost more than the rest of the page. Rows are joined from pre-escaped pieces instead;
every text that comes from the database goes through escape(). Numbers are formatted with the active
locale (floatformat), as the templates do.
"""

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from criteria.models import Assessment, Tier
from criteria.selectors import NO_ASSESSMENT, OverviewRow, ResultsGrid

# The symbol carries the meaning, so the grid reads in grayscale and when printed; the class adds colour.
MET, NOT_MET, UNDECIDED = "✓", "✗", "–"
CELLS = {
    True: f'<td class="status-met">{MET}</td>',
    False: f'<td class="status-not-met">{NOT_MET}</td>',
    None: f'<td class="status-undecided">{UNDECIDED}</td>',
}
# A unit id no unit has, reversed once per page and replaced by each commune's id.
_ID_MARKER = 987654321


def status_label(status: str) -> str:
    return _("No assessment") if status == NO_ASSESSMENT else Assessment.Status(status).label


def tier_label(tier: str) -> str:
    return Tier(tier).label if tier else ""


def grid_table(grid: ResultsGrid, *, show_district: bool) -> SafeString:
    """The whole grid: head, one <tbody> per district when grouped, and the per-criterion totals."""
    width = len(grid.columns) + (6 if show_district else 5)
    parts = [
        '<table class="table results-grid">',
        format_html(
            "<caption>{}</caption>",
            _("Criteria met by each commune in %(year)s: ✓ met, ✗ not met, – no data") % {"year": grid.year},
        ),
        _head(grid, show_district),
    ]
    commune_url_head, commune_url_tail = (
        escape(part)
        for part in reverse("criteria:commune", kwargs={"unit_id": _ID_MARKER, "year": grid.year}).split(
            str(_ID_MARKER)
        )
    )
    badges: dict[str, str] = {}
    tiers: dict[str, str] = {}
    flags: dict[int, str] = {}
    for group in grid.groups:
        parts.append("<tbody>")
        if grid.grouped:
            parts.append(
                format_html(
                    '<tr class="group-row"><th scope="rowgroup" colspan="{}">{} ({})</th></tr>',
                    width,
                    group.district_name,
                    len(group.rows),
                )
            )
        for row in group.rows:
            if row.status not in badges:
                badges[row.status] = format_html(
                    '<span class="badge badge-{}">{}</span>', row.status, status_label(row.status)
                )
            if row.tier not in tiers:
                tiers[row.tier] = escape(tier_label(row.tier))
            district = f"<td>{escape(row.district_name)}</td>" if show_district else ""
            cells = "".join([CELLS[result] for result in row.results])
            parts.append(
                f'<tr><th scope="row"><a href="{commune_url_head}{row.unit_id}{commune_url_tail}">'
                f'{escape(row.name)}</a></th>{district}{cells}<td class="num">{row.met}</td>'
                f"<td>{tiers[row.tier]}</td><td>{badges[row.status]}</td>{_evidence_cell(row, flags)}</tr>"
            )
        parts.append("</tbody>")
    parts += [_foot(grid, show_district), "</table>"]
    return mark_safe("".join(parts))  # every piece above is a literal tag, escaped or from format_html


def _evidence_cell(row, flags: dict[int, str]) -> str:
    if not row.unproven:
        return f'<td class="num">{row.evidence}</td>'
    if row.unproven not in flags:
        flags[row.unproven] = format_html(
            '<span class="flag" title="{}">⚠ {}</span>',
            _("%(count)d criteria marked met without accepted evidence") % {"count": row.unproven},
            row.unproven,
        )
    return f'<td class="num">{row.evidence} {flags[row.unproven]}</td>'


def _head(grid: ResultsGrid, show_district: bool) -> str:
    district = format_html('<th scope="col">{}</th>', _("District")) if show_district else ""
    criteria = format_html_join(
        "",
        '<th scope="col" class="num" title="{}. {}">{}</th>',
        ((column.number, column.name, column.number) for column in grid.columns),
    )
    return format_html(
        '<thead><tr><th scope="col">{}</th>{}{}<th scope="col" class="num">{}</th><th scope="col">{}</th>'
        '<th scope="col">{}</th><th scope="col" class="num">{}</th></tr></thead>',
        _("Commune"),
        district,
        criteria,
        _("Criteria met"),
        _("Recognition"),
        _("Status"),
        _("Evidence"),
    )


def _foot(grid: ResultsGrid, show_district: bool) -> str:
    label_span = format_html(' colspan="{}"', 2) if show_district else ""
    met = format_html_join("", '<td class="num">{}</td>', ((column.met,) for column in grid.columns))
    shares = format_html_join(
        "", '<td class="num">{}</td>', ((floatformat(column.share, 1),) for column in grid.columns)
    )
    return format_html(
        '<tfoot><tr><th scope="row"{}>{}</th>{}<td class="num">{}</td><td colspan="3"></td></tr>'
        '<tr><th scope="row"{}>{}</th>{}<td class="num" title="{}">{}</td><td colspan="3"></td></tr></tfoot>',
        label_span,
        _("Communes meeting the criterion"),
        met,
        grid.summary.criteria_met_total,
        label_span,
        _("Share of communes (%)"),
        shares,
        _("Average criteria met per commune"),
        floatformat(grid.summary.average_rounded(), 2),
    )


def criteria_legend(grid: ResultsGrid) -> SafeString:
    return format_html_join("", '<li value="{}">{}</li>', ((column.number, column.name) for column in grid.columns))


def overview_body(rows: list[OverviewRow], *, year: int) -> SafeString:
    """The overview's rows: 63 provinces × 17 figures are too many for a template loop."""
    grid_url = escape(reverse("criteria:grid"))
    open_grid = escape(_("Open grid"))
    parts = []
    for row in rows:
        figures = (
            row.summary.communes,
            row.met_all,
            floatformat(row.met_all_share, 1),
            *row.lower_band_counts,
            floatformat(row.summary.average_rounded(), 2),
            *row.status_counts,
        )
        cells = "".join([f'<td class="num">{figure}</td>' for figure in figures])
        parts.append(
            f'<tr data-unit="{row.unit.pk}"><th scope="row">{escape(row.unit.name)}</th>{cells}'
            f'<td><a href="{grid_url}?unit={row.unit.pk}&amp;year={year}">{open_grid}</a></td></tr>'
        )
    return mark_safe("".join(parts))  # numbers, and texts through escape()

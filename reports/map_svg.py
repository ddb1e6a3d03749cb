"""The map of communes by criteria met (a choropleth), drawn as SVG like `reports.charts`: the same markup on
the dashboard and in the WeasyPrint PDF, byte-for-byte deterministic, from the figures alone.

Outlines are in lon/lat; an equirectangular projection (longitudes shortened by the cosine of the middle
latitude) scaled to the communes' bounding box is exact enough at a province's size. Each commune is a path
with a class and a fill per band of the criteria set, and a <title> naming it with its count ("17/19 tiêu
chí"), which browsers show on hover; the legend under the map names the bands.
"""

import math
from collections.abc import Sequence
from decimal import Decimal
from itertools import pairwise

from reports.charts import TICK_SIZE, VIEW_WIDTH, _escaped, _svg, _text, _unit
from reports.figures import BandFigures, MapCommune, MapFigures
from reports.numbers import integer_text

TITLE = "Bản đồ các xã theo số tiêu chí đạt"
MARGIN = 10
MAX_MAP_HEIGHT = 900
# From the band of every criterion met (darkest) down: distinguishable in black-and-white print too.
PALETTE = ("#1f6f3f", "#4d9a5e", "#86c17f", "#c4e2b3", "#eef6e6")
OUTLINE = "#555555"
LEGEND_COLUMNS = 4
LEGEND_ROW = 30
LABEL_SIZE = 12
# The counts on the darkest fills are written in white.
DARK_FILLS = 2


def band_colours(bands: Sequence[BandFigures]) -> dict[str, str]:
    """The fill of each band of the partition, highest first; bands past the palette share its lightest."""
    return {band.key: PALETTE[min(index, len(PALETTE) - 1)] for index, band in enumerate(bands)}


def communes_map_svg(figures: MapFigures, *, bands: Sequence[BandFigures], criteria: int) -> str:
    """The choropleth of `figures.communes`, coloured by `bands` (the partition, highest first)."""
    colours = band_colours(bands)
    project, map_height = _projection(figures.communes)
    body, labels = [], []
    for commune in figures.communes:
        band = next((band for band in bands if band.low <= commune.met <= band.high), None)
        classes = f"commune band-{band.key}" if band else "commune"
        label = f"{commune.name}: {integer_text(commune.met)}/{integer_text(criteria)} tiêu chí"
        path = " ".join(_ring_path(ring, project) for ring in commune.rings)
        body.append(
            f'<path class="{classes}" data-unit="{commune.unit_id}" d="{path}" '
            f'fill="{colours[band.key] if band else PALETTE[-1]}" fill-rule="evenodd" stroke="{OUTLINE}" '
            'stroke-width="1">'
            f"<title>{_escaped(label)}</title></path>"
        )
        dark = band is not None and colours[band.key] in PALETTE[:DARK_FILLS]
        labels.append(_count_label(commune, project, ink="#ffffff" if dark else "#000000"))
    body.extend(labels)  # over every outline, so a neighbour's fill never hides a count
    legend_top = MARGIN + map_height + 20
    body.extend(_legend(bands, colours, top=legend_top))
    rows = math.ceil(len(bands) / LEGEND_COLUMNS)
    description = "; ".join(f"{band.label} tiêu chí: {integer_text(band.communes)} xã" for band in bands)
    return _svg(legend_top + rows * LEGEND_ROW + MARGIN, TITLE, description, body)


def _projection(communes: Sequence[MapCommune]):
    """(lon, lat) → (x, y) in drawing units, and the map's height."""
    points = [point for commune in communes for ring in commune.rings for point in ring]
    west, east = min(lon for lon, _ in points), max(lon for lon, _ in points)
    south, north = min(lat for _, lat in points), max(lat for _, lat in points)
    # Rounded so that the projection, like the rest of the drawing, is exact decimal arithmetic.
    shrink = Decimal(str(round(math.cos(math.radians((south + north) / 2)), 9)))
    width, height = (east - west) * shrink, north - south
    room = VIEW_WIDTH - 2 * MARGIN
    scale = min(
        room / width if width else Decimal(room),
        MAX_MAP_HEIGHT / height if height else Decimal(MAX_MAP_HEIGHT),
    )

    def project(lon: Decimal, lat: Decimal) -> tuple[str, str]:
        # Centred across; north at the top.
        x = MARGIN + (room - width * scale) / 2 + (lon - west) * shrink * scale
        return _unit(x), _unit(MARGIN + (north - lat) * scale)

    return project, max(height * scale, Decimal(1))


def _ring_path(ring: Sequence[tuple[Decimal, Decimal]], project) -> str:
    """ "M x,y L x,y … Z", without the points that fall on the previous one at the drawing's precision."""
    drawn: list[str] = []
    for lon, lat in ring:
        point = ",".join(project(lon, lat))
        if not drawn or drawn[-1] != point:
            drawn.append(point)
    return f"M{drawn[0]} L{' '.join(drawn[1:])} Z"


def _count_label(commune: MapCommune, project, *, ink: str) -> str:
    """The commune's count at the centroid of its largest ring: the PDF, where nothing hovers, shows it too."""
    ring = max(commune.rings, key=lambda ring: abs(_area(ring)))
    area = _area(ring)
    if area == 0:
        lon, lat = ring[0]
    else:
        pairs = list(pairwise(ring))
        lon = sum((x0 + x1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in pairs) / (6 * area)
        lat = sum((y0 + y1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in pairs) / (6 * area)
    x, y = project(lon, lat)
    return (
        f'<text class="commune-label" x="{x}" y="{_unit(Decimal(y) + 4)}" text-anchor="middle" '
        f'font-size="{LABEL_SIZE}" font-weight="bold" fill="{ink}">{integer_text(commune.met)}</text>'
    )


def _area(ring: Sequence[tuple[Decimal, Decimal]]) -> Decimal:
    """The signed area of a closed ring, in square degrees (the shoelace formula)."""
    return sum((x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(ring)), Decimal(0)) / 2


def _legend(bands: Sequence[BandFigures], colours: dict[str, str], *, top: Decimal) -> list[str]:
    column = Decimal(VIEW_WIDTH - 2 * MARGIN) / LEGEND_COLUMNS
    items = []
    for index, band in enumerate(bands):
        x = MARGIN + column * (index % LEGEND_COLUMNS)
        y = top + LEGEND_ROW * (index // LEGEND_COLUMNS)
        items.append(
            f'<rect class="legend band-{band.key}" x="{_unit(x)}" y="{_unit(y)}" width="28" height="18" '
            f'fill="{colours[band.key]}" stroke="{OUTLINE}" stroke-width="1"/>'
        )
        text = f"{band.label} tiêu chí ({integer_text(band.communes)} xã)"
        items.append(_text(x + 36, y + 15, text, anchor="start", size=TICK_SIZE, kind="legend-label"))
    return items

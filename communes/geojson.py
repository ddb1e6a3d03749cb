"""Commune boundaries read from a GeoJSON file: checked, simplified and normalised, without a GIS library.

Pure functions, no database. A file is a FeatureCollection of Polygon or MultiPolygon features in lon/lat
(WGS84); each feature names its unit by a code property. Every geometry comes out as a MultiPolygon with
coordinates rounded to 6 decimals (about 0.1 m) and rings simplified by Douglas-Peucker, so a province's
boundaries stay small enough to store, snapshot with a report and draw.
"""

import json
import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ntm_portal.text import nfc

# The property holding the unit's code when staff name none, in this order.
DEFAULT_CODE_PROPERTIES = ("code", "ma")
NAME_PROPERTIES = ("name", "ten", "Ten", "NAME")
# Douglas-Peucker tolerance in degrees (about 10 m): invisible on a province-wide map.
SIMPLIFY_TOLERANCE = 0.0001
DECIMALS = 6
# A file with more problems than this is refused with the first ones listed.
MAX_ERRORS = 50

Ring = list[list[float]]


class BoundaryFileError(ValueError):
    """The file cannot be used: every message, in file order."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class BoundaryFeature:
    code: str
    name: str
    geometry: dict  # {"type": "MultiPolygon", "coordinates": [...]}, simplified


def boundary_features(content: bytes, *, code_property: str = "") -> list[BoundaryFeature]:
    """The features of a GeoJSON file, or BoundaryFileError listing what is wrong with it."""
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:  # RecursionError: absurdly nested arrays
        raise BoundaryFileError([_("The file is not GeoJSON: it cannot be read as JSON text.")]) from error
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise BoundaryFileError([_("The file is not a GeoJSON FeatureCollection.")])
    properties = (code_property,) if code_property else DEFAULT_CODE_PROPERTIES
    features, errors, seen = [], [], {}
    for number, feature in enumerate(data["features"], start=1):
        try:
            checked = _feature(feature, number=number, properties=properties)
        except BoundaryFileError as refused:
            errors.extend(refused.messages)
            continue
        key = code_key(checked.code)
        if key in seen:
            errors.append(
                _("Feature %(number)s: code %(code)s is already used by feature %(first)s.")
                % {"number": number, "code": checked.code, "first": seen[key]}
            )
            continue
        seen[key] = number
        features.append(checked)
    if errors:
        raise BoundaryFileError(errors[:MAX_ERRORS])
    if not features:
        raise BoundaryFileError([_("The file holds no features.")])
    return features


def code_key(code: str) -> str:
    """A code as matched: "01001", "1001" and 1001 name the same unit."""
    return code.strip().lstrip("0") or "0"


def _feature(feature, *, number: int, properties: tuple[str, ...]) -> BoundaryFeature:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise BoundaryFileError([_("Feature %(number)s is not a GeoJSON Feature.") % {"number": number}])
    values = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
    code = next((nfc(str(values[name]).strip()) for name in properties if values.get(name) not in (None, "")), "")
    if not code:
        raise BoundaryFileError(
            [
                _("Feature %(number)s has no code in the property %(property)s.")
                % {"number": number, "property": " / ".join(f"“{name}”" for name in properties)}
            ]
        )
    # Names typed on any keyboard, NFC like every text the portal takes in.
    name = next((nfc(str(values[key]).strip()) for key in NAME_PROPERTIES if values.get(key)), "")
    return BoundaryFeature(code=code, name=name, geometry=_geometry(feature.get("geometry"), number=number))


def _geometry(geometry, *, number: int) -> dict:
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if kind not in ("Polygon", "MultiPolygon"):
        raise BoundaryFileError(
            [
                _("Feature %(number)s: the geometry %(kind)s is not supported; use Polygon or MultiPolygon.")
                % {"number": number, "kind": kind or "—"}
            ]
        )
    polygons = [coordinates] if kind == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise BoundaryFileError([_("Feature %(number)s: the geometry has no coordinates.") % {"number": number}])
    return {"type": "MultiPolygon", "coordinates": [_polygon(polygon, number=number) for polygon in polygons]}


def _polygon(polygon, *, number: int) -> list[Ring]:
    if not isinstance(polygon, list) or not polygon:
        raise BoundaryFileError([_("Feature %(number)s: the geometry has no coordinates.") % {"number": number}])
    return [_ring(ring, number=number) for ring in polygon]


def _ring(ring, *, number: int) -> Ring:
    if not isinstance(ring, list) or len(ring) < 4:
        raise BoundaryFileError([_("Feature %(number)s: a ring needs at least four positions.") % {"number": number}])
    points = []
    for position in ring:
        if (
            not isinstance(position, list)
            or len(position) < 2
            or not all(isinstance(value, int | float) and not isinstance(value, bool) for value in position[:2])
            or not all(math.isfinite(value) for value in position[:2])
        ):
            raise BoundaryFileError(
                [_("Feature %(number)s: a position is not a pair of numbers.") % {"number": number}]
            )
        lon, lat = position[0], position[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise BoundaryFileError(
                [
                    _(
                        "Feature %(number)s: the position %(lon)s, %(lat)s is out of range; longitude and latitude"
                        " (WGS84, in degrees) are expected."
                    )
                    % {"number": number, "lon": lon, "lat": lat}
                ]
            )
        points.append([round(float(lon), DECIMALS), round(float(lat), DECIMALS)])
    if points[0] != points[-1]:
        points.append(points[0])
    simplified = simplify(points, SIMPLIFY_TOLERANCE)
    # A tiny ring would collapse to a line: kept as it is.
    return simplified if len(simplified) >= 4 else points


def simplify(points: Ring, tolerance: float) -> Ring:
    """Douglas-Peucker: the points of `points` farther than `tolerance` from the simplified line, ends kept.

    Iterative (a stack of ranges), so a ring of 100,000 points does not exhaust Python's recursion.
    """
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = 0, -1.0
        for index in range(first + 1, last):
            gap = _distance(points[index], points[first], points[last])
            if gap > distance:
                farthest, distance = index, gap
        if distance > tolerance:
            keep[farthest] = True
            stack.extend(((first, farthest), (farthest, last)))
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _distance(point: list[float], start: list[float], end: list[float]) -> float:
    """From `point` to the segment start-end (to `start` itself when the segment is a point: a closed ring)."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = dx * dx + dy * dy
    if length == 0:
        return math.hypot(point[0] - start[0], point[1] - start[1])
    along = max(0.0, min(1.0, ((point[0] - start[0]) * dx + (point[1] - start[1]) * dy) / length))
    return math.hypot(point[0] - start[0] - along * dx, point[1] - start[1] - along * dy)

"""A small synthetic GeoJSON: square communes side by side, 0,1° wide, near Cao Bằng (lon 106, lat 22,6)."""

import json


def square(index: int, *, size: float = 0.1) -> list[list[float]]:
    west, south, east, north = (
        round(value, 6) for value in (106 + index * size, 22.6, 106 + (index + 1) * size, 22.6 + size)
    )
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


def feature(code, name: str, index: int, *, key: str = "code") -> dict:
    return {
        "type": "Feature",
        "properties": {key: code, "name": name},
        "geometry": {"type": "Polygon", "coordinates": [square(index)]},
    }


def squares(communes: list[tuple[str, str]], *, key: str = "code") -> bytes:
    """A FeatureCollection of a square per (code, name), left to right."""
    features = [feature(code, name, index, key=key) for index, (code, name) in enumerate(communes)]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()

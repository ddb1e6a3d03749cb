"""Reading boundary files (communes/geojson.py): what is accepted, every refusal in Vietnamese, and the
Douglas-Peucker simplification."""

import json
import math
import unicodedata

import pytest
from django.utils import translation

from communes.geojson import BoundaryFileError, boundary_features, code_key, simplify
from tests.boundary_files import feature, square, squares


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def refusal(content: bytes, **options) -> list[str]:
    with pytest.raises(BoundaryFileError) as refused:
        boundary_features(content, **options)
    return refused.value.messages


def test_polygons_and_multipolygons_come_out_as_closed_multipolygons():
    multi = feature("01002", "Xã Đức Long", 1)
    multi["geometry"] = {"type": "MultiPolygon", "coordinates": [[square(1)], [square(3)[:-1]]]}
    read = boundary_features(collection(feature("01001", "Xã Hưng Đạo", 0), multi))
    assert [(each.code, each.name) for each in read] == [("01001", "Xã Hưng Đạo"), ("01002", "Xã Đức Long")]
    assert read[0].geometry == {"type": "MultiPolygon", "coordinates": [[square(0)]]}
    assert len(read[1].geometry["coordinates"]) == 2
    # An unclosed ring is closed.
    assert read[1].geometry["coordinates"][1][0] == square(3)


def test_the_code_is_read_from_code_or_ma_or_the_property_staff_name():
    assert boundary_features(squares([("01001", "A")], key="ma"))[0].code == "01001"
    assert boundary_features(squares([(1001, "A")], key="MA_XA"), code_property="MA_XA")[0].code == "1001"
    assert code_key("1001") == code_key("01001")
    assert refusal(squares([("01001", "A")], key="ma"), code_property="MA_XA") == [
        "Đối tượng 1 không có mã xã trong thuộc tính “MA_XA”."
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG not json", "Tệp không phải GeoJSON: không đọc được như văn bản JSON."),
        (b"[" * 100_000 + b"]" * 100_000, "Tệp không phải GeoJSON: không đọc được như văn bản JSON."),
        (b'{"type": "Feature"}', "Tệp không phải một FeatureCollection của GeoJSON."),
        (b"[1, 2]", "Tệp không phải một FeatureCollection của GeoJSON."),
        (collection(), "Tệp không có đối tượng nào."),
    ],
)
def test_a_file_that_is_no_feature_collection_is_refused(content, message):
    assert refusal(content) == [message]


def test_every_bad_feature_is_listed_with_its_number():
    line = feature("01003", "C", 2)
    line["geometry"] = {"type": "LineString", "coordinates": [[106, 22], [106.1, 22.1]]}
    far = feature("01004", "D", 3)
    far["geometry"]["coordinates"] = [[[600000, 2500000], [600100, 2500000], [600100, 2500100], [600000, 2500000]]]
    nameless = feature("", "E", 4)
    assert refusal(collection(feature("01001", "A", 0), feature("1001", "B", 1), line, far, nameless)) == [
        "Đối tượng 2: mã 1001 đã được dùng cho đối tượng 1.",
        "Đối tượng 3: kiểu hình học LineString không được hỗ trợ; hãy dùng Polygon hoặc MultiPolygon.",
        "Đối tượng 4: tọa độ 600000, 2500000 nằm ngoài phạm vi; cần kinh độ và vĩ độ (WGS84, tính bằng độ).",
        "Đối tượng 5 không có mã xã trong thuộc tính “code” / “ma”.",
    ]


def test_simplify_drops_points_on_a_straight_edge_and_keeps_the_corners():
    edge = [[106 + step / 1000, 22.6] for step in range(101)]
    ring = [*edge, [106.1, 22.7], [106.0, 22.7], [106.0, 22.6]]
    assert simplify(ring, 0.0001) == [[106.0, 22.6], [106.1, 22.6], [106.1, 22.7], [106.0, 22.7], [106.0, 22.6]]


def test_a_huge_ring_is_simplified_without_recursion_and_keeps_its_shape():
    circle = [[106 + 0.1 * math.cos(t / 1000), 22.6 + 0.1 * math.sin(t / 1000)] for t in range(6284)]
    circle.append(circle[0])
    content = collection(
        {"type": "Feature", "properties": {"code": "1"}, "geometry": {"type": "Polygon", "coordinates": [circle]}}
    )
    ring = boundary_features(content)[0].geometry["coordinates"][0][0]
    assert 20 < len(ring) < len(circle) / 10
    assert ring[0] == ring[-1]


def test_codes_and_names_are_read_in_nfc():
    decomposed = unicodedata.normalize("NFD", "Xã Hưng Đạo")
    assert boundary_features(squares([("01001", decomposed)]))[0].name == "Xã Hưng Đạo"

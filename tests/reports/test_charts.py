import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
import weasyprint

from reports.charts import average_over_years_svg, bands_svg, funding_svg

SVG = "{http://www.w3.org/2000/svg}"
BANDS = [("19", 10), ("15-18", 20), ("10-14", 5), ("5-9", 0), ("<5", 40)]
AVERAGES = [(2022, Decimal("9.5")), (2023, Decimal("11.625")), (2024, Decimal(19))]
FUNDING_TOTAL_VND = 173_210_970_000
FUNDING = [
    ("Ngân sách trung ương", 31_690_350_000),
    ("Doanh nghiệp & hợp tác xã", 63_380_700_000),
    ("Vốn lồng ghép từ các chương trình mục tiêu quốc gia, chương trình và dự án hỗ trợ có mục tiêu khác", 1_000_000),
]


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element, kind: str | None = None) -> list[str]:
    return [element.text for element in root.iter(f"{SVG}text") if kind is None or element.get("class") == kind]


def rects(root: ET.Element, kind: str) -> list[ET.Element]:
    return [element for element in root.iter(f"{SVG}rect") if element.get("class") == kind]


def number(element: ET.Element, attribute: str) -> Decimal:
    return Decimal(element.get(attribute))


CHART_NAMES = ["average", "bands", "funding"]
ALL_CHARTS = [
    lambda: average_over_years_svg(AVERAGES, recognised=[2, 4, 1_000]),
    lambda: bands_svg(BANDS),
    lambda: funding_svg(FUNDING, total_vnd=FUNDING_TOTAL_VND),
]
EMPTY_CHARTS = [
    lambda: average_over_years_svg([]),
    lambda: bands_svg([]),
    lambda: funding_svg([], total_vnd=0),
]


@pytest.mark.parametrize(
    "draw", ALL_CHARTS + EMPTY_CHARTS, ids=[*CHART_NAMES, *(f"{name}-empty" for name in CHART_NAMES)]
)
def test_every_chart_is_a_sized_accessible_svg(draw):
    root = parsed(draw())

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "160mm"
    assert root.get("height").endswith("mm")
    view_width, view_height = (Decimal(part) for part in root.get("viewBox").split()[2:])
    assert view_width / view_height == Decimal(160) / Decimal(root.get("height").removesuffix("mm"))
    assert "Liberation Serif" in root.get("font-family")
    assert root.find(f"{SVG}title").text
    assert root.find(f"{SVG}desc").text


@pytest.mark.parametrize("draw", ALL_CHARTS, ids=CHART_NAMES)
def test_the_same_figures_draw_the_same_bytes(draw):
    assert draw() == draw()


@pytest.mark.parametrize("draw", EMPTY_CHARTS, ids=CHART_NAMES)
def test_no_figures_draw_a_no_data_notice(draw):
    root = parsed(draw())

    assert texts(root) == ["Chưa có số liệu"]
    assert not list(root.iter(f"{SVG}rect"))


def test_band_columns_are_proportional_to_their_communes():
    root = parsed(bands_svg(BANDS))
    columns = [number(rect, "height") for rect in rects(root, "band")]
    heights = dict(zip(texts(root, "band-label"), columns, strict=True))

    assert heights["15-18"] == 2 * heights["19"]
    assert heights["<5"] == 4 * heights["19"]
    assert heights["5-9"] == 0
    assert abs(heights["10-14"] * 2 - heights["19"]) <= Decimal("0.1")
    assert len({number(rect, "y") + number(rect, "height") for rect in rects(root, "band")}) == 1


def test_band_labels_and_counts_are_written_the_vietnamese_way():
    svg = bands_svg([("19", 1250), ("<5", 3)])
    root = parsed(svg)

    assert texts(root, "band-label") == ["19", "<5"]
    assert texts(root, "band-count") == ["1.250", "3"]
    assert "&lt;5" in svg
    assert "Số tiêu chí đạt" in texts(root)


def test_average_dots_sit_at_their_value_on_the_axis_and_carry_a_vietnamese_label():
    root = parsed(average_over_years_svg(AVERAGES))
    gridlines = [number(line, "y1") for line in root.iter(f"{SVG}line")]
    zero, full = max(gridlines), min(gridlines)
    heights = [(zero - number(circle, "cy")) / (zero - full) for circle in root.iter(f"{SVG}circle")]

    assert heights[2] == 1
    assert abs(heights[0] - Decimal("9.5") / 19) < Decimal("0.001")
    assert texts(root, "average-label") == ["9,50", "11,63", "19,00"]
    assert texts(root, "year") == ["2022", "2023", "2024"]
    assert not rects(root, "recognised")


def test_average_dot_heights_are_proportional_to_the_averages():
    root = parsed(average_over_years_svg([(2020, Decimal(5)), (2021, Decimal(10)), (2022, Decimal(0))], maximum=20))
    bottom = [number(circle, "cy") for circle in root.iter(f"{SVG}circle")][2]
    rises = [bottom - number(circle, "cy") for circle in root.iter(f"{SVG}circle")]

    assert rises[1] == 2 * rises[0] > 0


def test_recognised_communes_are_a_second_series_with_labels_of_its_own():
    root = parsed(average_over_years_svg(AVERAGES, recognised=[500, 1_000, 1_350]))
    heights = [number(rect, "height") for rect in rects(root, "recognised")]

    assert heights[1] == 2 * heights[0]
    assert heights[2] * 500 == heights[0] * 1_350
    assert texts(root, "recognised-label") == ["500", "1.000", "1.350"]
    assert "Số xã đạt chuẩn" in texts(root)


def test_recognised_communes_need_one_count_per_year():
    with pytest.raises(ValueError):
        average_over_years_svg(AVERAGES, recognised=[1, 2])


def test_funding_bars_are_proportional_and_labelled_in_million_dong_with_shares():
    svg = funding_svg(FUNDING, total_vnd=FUNDING_TOTAL_VND)
    root = parsed(svg)
    widths = [number(rect, "width") for rect in rects(root, "funding")]

    assert widths[1] == 2 * widths[0]
    assert texts(root, "amount") == [
        "31.690,35 tr.đ (18,30%)",
        "63.380,70 tr.đ (36,59%)",
        "1,00 tr.đ (0,00%)",
    ]
    assert "Doanh nghiệp &amp; hợp tác xã" in svg


def test_long_source_names_wrap_onto_two_lines_and_end_in_an_ellipsis():
    root = parsed(funding_svg(FUNDING, total_vnd=FUNDING_TOTAL_VND))
    long_name = texts(root, "source")[2:]

    assert len(long_name) == 2
    assert long_name[1].endswith("…")
    assert all(len(line) <= 40 for line in long_name)


def test_funding_without_a_total_shows_no_share():
    root = parsed(funding_svg([("Ngân sách xã", 0)], total_vnd=0))

    assert texts(root, "amount") == ["0,00 tr.đ"]
    assert number(rects(root, "funding")[0], "width") == 0


def test_names_typed_in_decomposed_unicode_draw_the_same_bytes():
    decomposed = unicodedata.normalize("NFD", "Ngân sách huyện")
    composed = unicodedata.normalize("NFC", "Ngân sách huyện")

    assert decomposed != composed
    assert funding_svg([(decomposed, 5)], total_vnd=5) == funding_svg([(composed, 5)], total_vnd=5)


def test_the_labels_survive_into_the_weasyprint_pdf(tmp_path):
    charts = "".join(draw() for draw in ALL_CHARTS) + bands_svg([])
    path = tmp_path / "charts.pdf"
    weasyprint.HTML(string=f'<html lang="vi"><body><h1>Biểu đồ</h1>{charts}</body></html>').write_pdf(path)

    text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout

    for label in ("11,63", "19,00", "1.000", "15-18", "<5", "Số tiêu chí đạt", "31.690,35 tr.đ (18,30%)"):
        assert label in text
    assert "Doanh nghiệp & hợp tác xã" in text
    assert "Chưa có số liệu" in text

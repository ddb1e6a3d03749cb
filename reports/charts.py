"""Report charts drawn on the server as SVG, so the page and the WeasyPrint PDF show the same markup.

Pure functions: figures in, a complete `<svg>` element out. The output is byte-for-byte deterministic
(issued reports are frozen), coordinates come from exact `Decimal` arithmetic rounded to 0.1 unit, and
every number is written the Vietnamese way through `reports.numbers`.

The drawing is 800 units wide and printed 160 mm wide (1 unit = 0.2 mm); the page may scale it down.
"""

import textwrap
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from funding.selectors import share as funding_share
from ntm_portal.numbers import half_up
from reports.numbers import decimal_text, integer_text, million_dong, percent_text

VIEW_WIDTH = 800
MM_PER_UNIT = Decimal("0.2")
FONT_FAMILY = "Liberation Serif, Times New Roman, serif"
# Black, greys and one green: every series stays distinguishable in black-and-white print.
GREEN = "#1f6f3f"
GREY = "#bdbdbd"
GRID = "#d9d9d9"
INK = "#000000"
LABEL_SIZE = 16
TICK_SIZE = 15
NO_DATA = "Chưa có số liệu"

AVERAGE_TITLE = "Số tiêu chí đạt bình quân/xã qua các năm"
BANDS_TITLE = "Số xã theo số tiêu chí đạt"
FUNDING_TITLE = "Vốn huy động theo nguồn"


def average_over_years_svg(
    points: Sequence[tuple[int, Decimal]], *, maximum: int = 19, recognised: Sequence[int] | None = None
) -> str:
    """Average criteria met per commune by year (line with dots); optionally the communes recognised (columns)."""
    if not points:
        return _no_data_svg(AVERAGE_TITLE)
    if recognised is not None and len(recognised) != len(points):
        raise ValueError("recognised needs one count per year")
    left, right, top, bottom = 50, VIEW_WIDTH - 20, 50, 320
    plot_height = bottom - top
    slot = Decimal(right - left) / len(points)
    body = [_text(10, 24, "Tiêu chí/xã", anchor="start", size=TICK_SIZE)]
    for tick in (*range(0, maximum, 5), maximum):
        y = bottom - _scaled(plot_height, tick, maximum)
        body.append(_line(left, y, right, y, stroke=GRID))
        body.append(_text(left - 8, y + 5, integer_text(tick), anchor="end", size=TICK_SIZE))
    if recognised is not None:
        tallest = max(max(recognised), 1)
        for index, count in enumerate(recognised):
            # The columns rise to half the plot at most: the averages (mostly above 10) stay clear of them.
            height = _scaled(plot_height // 2, count, tallest)
            centre = left + slot * index + slot / 2
            body.append(_rect(centre - slot / 4, bottom - height, slot / 2, height, fill=GREY, kind="recognised"))
            body.append(_text(centre, bottom - 6, integer_text(count), kind="recognised-label"))
    body.append(_line(left, bottom, right, bottom, stroke=INK))
    dots = []
    for index, (year, average) in enumerate(points):
        centre = left + slot * index + slot / 2
        y = bottom - _scaled(plot_height, average, maximum)
        dots.append((centre, y, average))
        body.append(_text(centre, bottom + 24, str(year), kind="year"))
    body.append(
        f'<polyline points="{" ".join(f"{_unit(x)},{_unit(y)}" for x, y, _ in dots)}" '
        f'fill="none" stroke="{GREEN}" stroke-width="3"/>'
    )
    for x, y, average in dots:
        body.append(f'<circle class="average" cx="{_unit(x)}" cy="{_unit(y)}" r="5" fill="{GREEN}"/>')
        body.append(_text(x, y - 12, decimal_text(average, 2), kind="average-label", bold=True))
    height = bottom + 40
    if recognised is not None:
        body.extend(_legend(height + 4))
        height += 40
    description = "; ".join(f"{year}: {decimal_text(average, 2)} tiêu chí/xã" for year, average in points)
    if recognised is not None:
        recognised_text = ", ".join(
            f"{year}: {integer_text(count)}" for (year, _), count in zip(points, recognised, strict=True)
        )
        description += f". Số xã đạt chuẩn: {recognised_text}"
    return _svg(height, AVERAGE_TITLE, description, body)


def bands_svg(bands: Sequence[tuple[str, int]]) -> str:
    """Communes by band of criteria met ("19", "15-18", …, "<5"): a column per band, the count above it."""
    if not bands:
        return _no_data_svg(BANDS_TITLE)
    left, right, top, bottom = 50, VIEW_WIDTH - 20, 50, 280
    plot_height = bottom - top
    slot = Decimal(right - left) / len(bands)
    tallest = max(max(communes for _, communes in bands), 1)
    body = [_text(10, 24, "Số xã", anchor="start", size=TICK_SIZE)]
    for index, (label, communes) in enumerate(bands):
        height = _scaled(plot_height, communes, tallest)
        centre = left + slot * index + slot / 2
        body.append(_rect(centre - slot * 3 / 10, bottom - height, slot * 3 / 5, height, fill=GREEN, kind="band"))
        body.append(_text(centre, bottom - height - 8, integer_text(communes), kind="band-count", bold=True))
        body.append(_text(centre, bottom + 24, label, kind="band-label"))
    body.append(_line(left, bottom, right, bottom, stroke=INK))
    body.append(_text((left + right) // 2, bottom + 54, "Số tiêu chí đạt", size=TICK_SIZE))
    description = "; ".join(f"{label} tiêu chí: {integer_text(communes)} xã" for label, communes in bands)
    return _svg(bottom + 70, BANDS_TITLE, description, body)


def funding_svg(lines: Sequence[tuple[str, int]], *, total_vnd: int) -> str:
    """Funding by source: a bar per source, its name wrapped on the left, "31.690,35 tr.đ (18,30%)" beside it."""
    if not lines:
        return _no_data_svg(FUNDING_TITLE)
    label_chars, bar_left, bar_room, row_height, top = 40, 320, 260, 48, 10
    largest = max(max(amount for _, amount in lines), 1)
    body = []
    for index, (name, amount_vnd) in enumerate(lines):
        row_top = top + row_height * index
        name_lines = textwrap.wrap(_nfc(name), width=label_chars, max_lines=2, placeholder="…") or [""]
        first_baseline = row_top + (30 if len(name_lines) == 1 else 20)
        for offset, name_line in enumerate(name_lines):
            body.append(_text(10, first_baseline + 18 * offset, name_line, anchor="start", kind="source"))
        # A net correction may leave a source below zero: its label says so, its bar stays empty.
        width = _scaled(bar_room, max(amount_vnd, 0), largest)
        body.append(_rect(bar_left, row_top + 12, width, 24, fill=GREEN, kind="funding"))
        body.append(
            _text(
                bar_left + width + 8, row_top + 30, _amount_text(amount_vnd, total_vnd), anchor="start", kind="amount"
            )
        )
    bottom = top + row_height * len(lines) + 4
    body.append(_line(bar_left, top, bar_left, bottom, stroke=INK))
    description = "; ".join(f"{name}: {_amount_text(amount_vnd, total_vnd)}" for name, amount_vnd in lines)
    description = f"Tổng: {million_dong(total_vnd)} triệu đồng. {description}"
    return _svg(bottom + 10, FUNDING_TITLE, description, body)


def _amount_text(amount_vnd: int, total_vnd: int) -> str:
    share = funding_share(amount_vnd, total_vnd)
    amount = f"{million_dong(amount_vnd)} tr.đ"
    return f"{amount} ({percent_text(share)})" if share is not None else amount


def _legend(y: int) -> list[str]:
    return [
        _line(50, y + 7, 78, y + 7, stroke=GREEN, width=3),
        f'<circle cx="64" cy="{y + 7}" r="5" fill="{GREEN}"/>',
        _text(86, y + 13, "Bình quân tiêu chí/xã", anchor="start", size=TICK_SIZE),
        _rect(350, y, 28, 14, fill=GREY, kind="legend"),
        _text(386, y + 13, "Số xã đạt chuẩn", anchor="start", size=TICK_SIZE),
    ]


def _no_data_svg(title: str) -> str:
    return _svg(60, title, NO_DATA, [_text(VIEW_WIDTH // 2, 36, NO_DATA, kind="no-data")])


def _svg(height: int, title: str, description: str, body: Sequence[str]) -> str:
    width_mm = _unit(VIEW_WIDTH * MM_PER_UNIT)
    height_mm = _unit(height * MM_PER_UNIT)
    return "".join(
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width_mm}mm" height="{height_mm}mm" '
            f'viewBox="0 0 {VIEW_WIDTH} {height}" font-family={quoteattr(FONT_FAMILY)} fill="{INK}">',
            f"<title>{_escaped(title)}</title>",
            f"<desc>{_escaped(description)}</desc>",
            *body,
            "</svg>",
        )
    )


def _text(
    x: Decimal | int,
    y: Decimal | int,
    content: str,
    *,
    anchor: str = "middle",
    size: int = LABEL_SIZE,
    kind: str = "",
    bold: bool = False,
) -> str:
    attributes = f' class="{kind}"' if kind else ""
    attributes += ' font-weight="bold"' if bold else ""
    return (
        f'<text{attributes} x="{_unit(x)}" y="{_unit(y)}" text-anchor="{anchor}" font-size="{size}">'
        f"{_escaped(content)}</text>"
    )


def _rect(
    x: Decimal | int, y: Decimal | int, width: Decimal | int, height: Decimal | int, *, fill: str, kind: str
) -> str:
    return (
        f'<rect class="{kind}" x="{_unit(x)}" y="{_unit(y)}" width="{_unit(width)}" height="{_unit(height)}" '
        f'fill="{fill}"/>'
    )


def _line(
    x1: Decimal | int, y1: Decimal | int, x2: Decimal | int, y2: Decimal | int, *, stroke: str, width: int = 1
) -> str:
    return (
        f'<line x1="{_unit(x1)}" y1="{_unit(y1)}" x2="{_unit(x2)}" y2="{_unit(y2)}" stroke="{stroke}" '
        f'stroke-width="{width}"/>'
    )


def _scaled(length: int, value: Decimal | int, full: Decimal | int) -> Decimal:
    """`length × value / full`, rounded to 0.1 unit, so equal values always draw equal lengths."""
    return _tenth(Decimal(length) * Decimal(value) / Decimal(full))


def _tenth(value: Decimal | int) -> Decimal:
    return half_up(value, 1)


def _unit(value: Decimal | int) -> str:
    """A coordinate in SVG syntax ("12.5", "40"): a point, never a Vietnamese comma."""
    rounded = _tenth(value)
    return f"{rounded:f}".removesuffix(".0")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _escaped(text: str) -> str:
    return escape(_nfc(text))

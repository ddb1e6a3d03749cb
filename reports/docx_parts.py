"""OOXML pieces python-docx has no API for, sized to Decree 30/2020/NĐ-CP (see `reports.docx_writer`).

Lengths are in twips (1/1440 inch, 567 to the centimetre), the unit of the section, table and indent
attributes; font sizes are in points.
"""

import functools
import io
import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, Twips
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph

from ntm_portal.text import xml_text

FONT = "Times New Roman"
TWIPS_PER_MM = 1440 / 25.4
# Liberation Serif has the advance widths of Times New Roman; rule lengths are measured with it.
METRIC_FONTS = {False: "LiberationSerif-Regular.ttf", True: "LiberationSerif-Bold.ttf"}
# OOXML fixes the order of properties: what may follow w:pBdr and w:outlineLvl in w:pPr, w:tblBorders and
# w:tblCellMar in w:tblPr, w:cantSplit and w:tblHeader in w:trPr (python-docx places the rest itself).
PPR_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc", "w:rPr", "w:sectPr")
PPR_AFTER_OUTLINE = ("w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
TBLPR_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption")
TBLPR_AFTER_CELLMAR = ("w:tblLook", "w:tblCaption", "w:tblDescription")
TRPR_AFTER_CANTSPLIT = ("w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden")
TRPR_AFTER_TBLHEADER = ("w:tblCellSpacing", "w:jc", "w:hidden")
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
PAGE_FIELD = (
    "<w:fldChar {ns} w:fldCharType='begin'/>",
    "<w:instrText {ns} xml:space='preserve'> PAGE </w:instrText>",
    "<w:fldChar {ns} w:fldCharType='separate'/>",
    "<w:t {ns}>2</w:t>",
    "<w:fldChar {ns} w:fldCharType='end'/>",
)


def mm(value: float) -> int:
    return round(value * TWIPS_PER_MM)


@dataclass(frozen=True)
class Format:
    """How one paragraph looks; spacing and indent in twips."""

    size: float = 14
    bold: bool = False
    italic: bool = False
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY
    first_line: int = 0
    before: int = 0
    after: int = 0
    keep_with_next: bool = False
    outline: int | None = None  # 0 for a level-1 heading: Word's navigation pane lists it


def set_defaults(document) -> None:
    """Times New Roman 14 pt in Vietnamese, single spacing with no gap, for anything not formatted here."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    fonts = " ".join(f"w:{slot}='{FONT}'" for slot in ("ascii", "hAnsi", "cs", "eastAsia"))
    defaults.getparent().replace(
        defaults,
        parse_xml(
            f"<w:docDefaults {nsdecls('w')}><w:rPrDefault><w:rPr><w:rFonts {fonts}/>"
            "<w:sz w:val='28'/><w:szCs w:val='28'/><w:lang w:val='vi-VN' w:eastAsia='vi-VN' w:bidi='ar-SA'/>"
            "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after='0' w:line='240' w:lineRule='auto'/>"
            "</w:pPr></w:pPrDefault></w:docDefaults>"
        ),
    )
    set_fonts(document.styles["Normal"].element.get_or_add_rPr())


def set_fonts(rpr) -> None:
    """Times New Roman for every script slot, with no theme font that would override it."""
    fonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), FONT)


def add_text(container, text: str, fmt: Format) -> Paragraph:
    """A paragraph of one run in `container` (the document body, a table cell or a page header)."""
    paragraph = container.add_paragraph()
    style_paragraph(paragraph, fmt)
    if text:
        run = paragraph.add_run(xml_text(unicodedata.normalize("NFC", text)))
        run.font.size = Pt(fmt.size)
        run.font.bold = fmt.bold or None
        run.font.italic = fmt.italic or None
        set_fonts(run._r.get_or_add_rPr())
    return paragraph


def style_paragraph(paragraph: Paragraph, fmt: Format) -> None:
    layout = paragraph.paragraph_format
    layout.alignment = fmt.align
    layout.first_line_indent = Twips(fmt.first_line)
    layout.space_before = Twips(fmt.before)
    layout.space_after = Twips(fmt.after)
    layout.line_spacing = 1.0
    layout.keep_with_next = fmt.keep_with_next or None
    if fmt.outline is not None:
        level = parse_xml(f"<w:outlineLvl {nsdecls('w')} w:val='{fmt.outline}'/>")
        _insert(paragraph._p.pPr, level, PPR_AFTER_OUTLINE)


def add_rule(container, *, width: int, room: int, after: int = 0) -> Paragraph:
    """A solid 0.75 pt line `width` twips long, centred in `room`: an empty paragraph's bottom border."""
    paragraph = container.add_paragraph()
    side = max((room - width) // 2, 0)
    layout = paragraph.paragraph_format
    layout.alignment = WD_ALIGN_PARAGRAPH.CENTER
    layout.left_indent = Twips(side)
    layout.right_indent = Twips(side)
    layout.space_before = 0
    layout.space_after = Twips(after)
    layout.line_spacing = Pt(2)  # exact: the empty line is only as tall as the gap above the border
    ppr = paragraph._p.pPr
    border = "<w:bottom w:val='single' w:sz='6' w:space='1' w:color='000000'/>"
    _insert(ppr, parse_xml(f"<w:pBdr {nsdecls('w')}>{border}</w:pBdr>"), PPR_AFTER_PBDR)
    _insert(ppr, parse_xml(f"<w:rPr {nsdecls('w')}><w:sz w:val='4'/></w:rPr>"), ("w:sectPr", "w:pPrChange"))
    return paragraph


def text_width(text: str, *, size: float, bold: bool = False) -> int:
    """Printed width in twips of one line of Times New Roman."""
    font = _metric_font(bold)
    if font is None:  # no metric font installed: about half an em per character
        return round(len(text) * 0.5 * size * 20)
    return round(font.getlength(unicodedata.normalize("NFC", text)) / 1000 * size * 20)


@functools.cache
def _metric_font(bold: bool):
    from PIL import ImageFont  # a WeasyPrint dependency

    try:
        return ImageFont.truetype(METRIC_FONTS[bold], 1000)
    except OSError:
        return None


def fix_table(table: Table, widths: tuple[int, ...], *, borders: bool, cell_margin: int = 28) -> None:
    """Fixed layout at these column widths; single 0.5 pt borders or none; narrow cell margins."""
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(widths)))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Twips(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Twips(width)
    edge = "w:val='single' w:sz='4' w:space='0' w:color='000000'" if borders else "w:val='nil'"
    sides = "".join(f"<w:{side} {edge}/>" for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    _insert(tbl_pr, parse_xml(f"<w:tblBorders {nsdecls('w')}>{sides}</w:tblBorders>"), TBLPR_AFTER_BORDERS)
    margins = f"<w:left w:w='{cell_margin}' w:type='dxa'/><w:right w:w='{cell_margin}' w:type='dxa'/>"
    _insert(tbl_pr, parse_xml(f"<w:tblCellMar {nsdecls('w')}>{margins}</w:tblCellMar>"), TBLPR_AFTER_CELLMAR)


def repeat_as_header(row: _Row) -> None:
    _insert(row._tr.get_or_add_trPr(), OxmlElement("w:tblHeader"), TRPR_AFTER_TBLHEADER)


def keep_row_whole(row: _Row) -> None:
    _insert(row._tr.get_or_add_trPr(), OxmlElement("w:cantSplit"), TRPR_AFTER_CANTSPLIT)


def drop_first_paragraph(cell) -> None:
    """python-docx gives every new cell an empty paragraph; remove it once the cell has content."""
    cell._tc.remove(cell.paragraphs[0]._p)


def add_page_field(paragraph: Paragraph, *, size: float) -> None:
    """A PAGE field: begin, instruction, separator, the last computed value, end."""
    for part in PAGE_FIELD:
        run = paragraph.add_run()
        run.font.size = Pt(size)
        set_fonts(run._r.get_or_add_rPr())
        run._r.append(parse_xml(part.format(ns=nsdecls("w"))))


# The children of w:sectPr that come after w:pgNumType, in schema order
_AFTER_PAGE_NUMBERING = ("w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi",
                         "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")  # fmt: skip


def number_pages_from_one(section) -> None:
    """The section's pages numbered from 1 again (w:pgNumType w:start), which python-docx has no property for."""
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:start"), "1")
    section._sectPr.insert_element_before(numbering, *_AFTER_PAGE_NUMBERING)


def svg_png(svg: str, *, width_mm: float, max_height_mm: float) -> tuple[bytes, float] | None:
    """The chart drawn by WeasyPrint into a one-page PDF and rasterised at 200 dpi by poppler's pdftoppm.

    Returns the PNG and the width in mm to show it at (narrower than `width_mm` for a tall chart), or None
    when pdftoppm is missing or the SVG has no usable size. Word reads SVG only from 2016 on, and even then
    wants a PNG beside it; python-docx inserts PNG.
    """
    pdftoppm = shutil.which("pdftoppm")
    ratio = _svg_ratio(svg)
    if pdftoppm is None or ratio is None:
        return None
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    width_mm = min(width_mm, max_height_mm * ratio)
    height_mm = width_mm / ratio
    page = (
        f"<style>@page{{size:{width_mm:.2f}mm {height_mm:.2f}mm;margin:0}}html,body{{margin:0}}"
        f"body>svg{{display:block;width:{width_mm:.2f}mm;height:{height_mm:.2f}mm}}</style>{svg}"
    )
    # The SVG is drawn by the portal; it has nothing to fetch, and must not try.
    pdf = HTML(string=page, url_fetcher=URLFetcher(allowed_protocols=("data",))).write_pdf()
    done = subprocess.run(
        [pdftoppm, "-png", "-r", "200", "-singlefile"], input=pdf, capture_output=True, timeout=60, check=False
    )
    if done.returncode != 0 or not done.stdout:
        return None
    return done.stdout, width_mm


def _svg_ratio(svg: str) -> float | None:
    """Width over height, from the viewBox or else from numeric width and height attributes."""
    try:
        root = ET.fromstring(svg)
    except ET.ParseError:
        return None
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        width, height = float(box[2]), float(box[3])
    else:
        number = re.compile(r"^\s*([\d.]+)\s*(px)?\s*$")
        found = [number.match(root.get(name) or "") for name in ("width", "height")]
        if not all(found):
            return None
        width, height = (float(match[1]) for match in found)
    return width / height if width > 0 and height > 0 else None


def fixed_timestamps(package: bytes) -> bytes:
    """The same package with every zip entry dated 1980-01-01, so the same document gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = entry.external_attr
            target.writestr(info, source.read(entry.filename))
    return out.getvalue()


def _insert(parent, child, successors: tuple[str, ...]) -> None:
    """Put `child` in `parent` before the first of `successors`, replacing an element of the same tag."""
    for old in parent.findall(child.tag):
        parent.remove(old)
    parent.insert_element_before(child, *successors)

"""The browser preview and the PDF of a report, laid out after Decree 30/2020/NĐ-CP (Phụ lục I).

Both come from one template and one stylesheet, so the preview shows what the PDF prints. The writers walk a
`Document` and only lay it out; every figure and sentence was settled when the document was built.
"""

import unicodedata
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from reports.document import Block, Chart, Document, Heading, PageBreak, Paragraph, Table

TEMPLATE = "reports/document.html"
STYLESHEET = "reports/decree30.css"
# An appendix table with at least this many columns is printed on a landscape page
WIDE_TABLE_COLUMNS = 9
# The only scheme WeasyPrint may open: inline data. Charts are inline SVG and the CSS is read from disk, so
# nothing is ever fetched over the network, even if a chart or a text carries a URL.
ALLOWED_URL_SCHEMES = ("data",)


def document_html(document: Document, *, for_pdf: bool) -> str:
    """The report as HTML: a whole page for WeasyPrint, or a fragment (linking the stylesheet) to embed in a
    portal page as the preview."""
    header = document.header
    parts = [{"css_class": "body", "items": [_block_context(block, in_appendix=False) for block in document.blocks]}]
    if document.appendix:
        parts.append(
            {"css_class": "appendix", "items": [_block_context(block, in_appendix=True) for block in document.appendix]}
        )
    context = {
        "document": document,
        "header": header,
        "parts": parts,
        "for_pdf": for_pdf,
        "title": f"{header.kind_title} {' '.join(header.subject.split())}",
        # The PDF's dates come from the document, never from the clock
        "issued_on": header.issued_on.isoformat() if header.issued_on else "",
    }
    # Text stored before NFC normalisation would otherwise print with misplaced tone marks
    return unicodedata.normalize("NFC", render_to_string(TEMPLATE, context))


def document_pdf(document: Document) -> bytes:
    """The report as an A4 PDF. The same document gives the same bytes (no clock, content-derived file ID)."""
    # Imported here so the preview does not load Pango
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=ALLOWED_URL_SCHEMES)
    stylesheet = CSS(string=_stylesheet_text(), url_fetcher=fetcher)
    html = HTML(string=document_html(document, for_pdf=True), url_fetcher=fetcher)
    return html.write_pdf(stylesheets=[stylesheet])


def _stylesheet_text() -> str:
    # Through the staticfiles finders, so it works before collectstatic and in tests
    path = finders.find(STYLESHEET)
    if path is None:
        raise FileNotFoundError(STYLESHEET)
    with open(path, encoding="utf-8") as stylesheet:
        return stylesheet.read()


def _block_context(block: Block, *, in_appendix: bool) -> dict[str, Any]:
    match block:
        case Heading():
            return {"kind": "heading", "block": block}
        case Paragraph():
            return {"kind": "paragraph", "block": block}
        case Table():
            return {
                "kind": "table",
                "block": block,
                "columns": _cells(block.columns, block.numeric),
                "rows": [
                    {"bold": index in block.bold_rows, "cells": _cells(row, block.numeric, block.unbroken)}
                    for index, row in enumerate(block.rows)
                ],
                "wide": in_appendix and len(block.columns) >= WIDE_TABLE_COLUMNS,
            }
        case Chart():
            return {"kind": "chart", "block": block}
        case PageBreak():
            return {"kind": "page_break", "block": block}
    raise TypeError(f"Not a report block: {block!r}")


def _cells(texts: tuple[str, ...], numeric: tuple[bool, ...], unbroken: tuple[bool, ...] = ()):
    """Each cell with its CSS class: "num" (right-aligned, one line), "whole" (one line) or ""; columns beyond
    `numeric` and `unbroken` are text that may wrap."""

    def css_class(index: int) -> str:
        if index < len(numeric) and numeric[index]:
            return "num"
        return "whole" if index < len(unbroken) and unbroken[index] else ""

    return [(text, css_class(index)) for index, text in enumerate(texts)]

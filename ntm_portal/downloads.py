"""File downloads: one way to name an attachment, in ASCII for old clients and in Vietnamese for the rest."""

import re
from urllib.parse import quote

from ntm_portal.text import fold


def attachment_header(stem: str, extension: str, *, fallback: str = "tep") -> str:
    """The Content-Disposition of an attachment (RFC 6266 / 5987): "Kết quả 2021" → ket-qua-2021.xlsx."""
    ascii_stem = re.sub(r"[^a-z0-9]+", "-", fold(stem)).strip("-") or fallback
    utf8_name = f"{stem.replace(' ', '-')}.{extension}"
    return f"attachment; filename=\"{ascii_stem}.{extension}\"; filename*=UTF-8''{quote(utf8_name, safe='')}"

"""Whether an uploaded evidence file is acceptable, judged by its content and never by its name. Pure.

Commune officials upload decisions, minutes and photos. Only a few document and image types are accepted,
recognised by their magic bytes and, for Office containers, by their structure: a renamed executable or web
page must never be stored and later served as a "PDF".
"""

import hashlib
import re
import struct
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.core.files import File
from django.utils.translation import gettext as _

from ntm_portal.text import nfc

CHUNK_SIZE = 64 * 1024
MAX_NAME_LENGTH = 150
FALLBACK_STEM = "tep"  # "tệp" (file) without diacritics, for names with nothing usable left

_MEBIBYTE = 1024 * 1024


class FileRefused(ValueError):
    """The upload cannot be accepted; .message is a sentence for the user (translated).

    .code names the reason ("invalid_name", "empty", "too_large", "unsupported_type") so callers and tests
    need not compare translated text.
    """

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class InspectedFile:
    name: str  # the cleaned file name to show and to offer on download (Vietnamese kept)
    content_type: str  # detected from the content, e.g. "application/pdf"
    extension: str  # the canonical extension of that type, e.g. ".pdf", ".jpg", ".docx"
    size: int
    sha256: str  # hex digest of the whole content


@dataclass(frozen=True)
class _FileType:
    content_type: str
    extensions: tuple[str, ...]  # the first is canonical

    @property
    def extension(self) -> str:
        return self.extensions[0]


PDF = _FileType("application/pdf", (".pdf",))
JPEG = _FileType("image/jpeg", (".jpg", ".jpeg"))
PNG = _FileType("image/png", (".png",))
DOC = _FileType("application/msword", (".doc",))
XLS = _FileType("application/vnd.ms-excel", (".xls",))
DOCX = _FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = _FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
ODT = _FileType("application/vnd.oasis.opendocument.text", (".odt",))
ODS = _FileType("application/vnd.oasis.opendocument.spreadsheet", (".ods",))

_ODF_BY_MIMETYPE = {ODT.content_type.encode(): ODT, ODS.content_type.encode(): ODS}
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def inspect_upload(upload: File, *, max_bytes: int) -> InspectedFile:
    """Accept the upload or raise FileRefused; the file is read in chunks and left rewound for saving."""
    name = _checked_name(upload.name or "")
    # The declared size is refused early so a huge upload is not read at all; the real size is counted below.
    _check_size(upload.size, max_bytes)
    try:
        size, sha256 = _digest(upload, stop_after=max_bytes)
        _check_size(size, max_bytes)
        file_type = _detect_type(upload)
    finally:
        _rewind(upload)
    if file_type is None:
        raise FileRefused(
            _(
                "This type of file is not accepted. Upload a PDF, a JPEG or PNG photo, "
                "or a Word, Excel or OpenDocument file."
            ),
            code="unsupported_type",
        )
    return InspectedFile(
        name=_with_extension_of(clean_file_name(name), file_type),
        content_type=file_type.content_type,
        extension=file_type.extension,
        size=size,
        sha256=sha256,
    )


def sha256_hex(file: File | IO[bytes]) -> str:
    """Hex SHA-256 of the whole content, read in chunks; the file is rewound before and after when seekable."""
    return _digest(file, stop_after=None)[1]


# --- file names --------------------------------------------------------------------------------------------

_VIETNAMESE_LOWER = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_ALLOWED_CHARACTERS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.()"
    + _VIETNAMESE_LOWER
    + _VIETNAMESE_LOWER.upper()
)
_REPEATED_SEPARATOR = re.compile(r"([_ .])\1+")
_DRIVE_PREFIX = re.compile(r"^[A-Za-z]:")


def clean_file_name(name: str) -> str:
    """A safe display name: NFC, Vietnamese letters, digits, spaces and -_.() kept, at most 150 characters."""
    kept = "".join(ch if ch in _ALLOWED_CHARACTERS else "_" for ch in nfc(name))
    stem, extension = _split_extension(_REPEATED_SEPARATOR.sub(r"\1", kept).lstrip(". "))
    return _join_name(stem, extension)


def _checked_name(name: str) -> str:
    # Refused rather than stripped: a name with folders in it was not produced by a browser's file picker.
    has_path = "/" in name or "\\" in name or _DRIVE_PREFIX.match(name) or name.strip() in (".", "..")
    if has_path or any(unicodedata.category(ch) == "Cc" for ch in name):
        raise FileRefused(
            _(
                "The file name is not valid: it must not contain folders, “..” or control characters. "
                "Rename the file and upload it again."
            ),
            code="invalid_name",
        )
    return name


def _split_extension(name: str) -> tuple[str, str]:
    # Only a short ASCII suffix with a letter is an extension: in "Biên bản ngày 12.5" the ".5" is part of the name.
    stem, dot, suffix = name.rpartition(".")
    if dot and stem and len(suffix) <= 5 and suffix.isascii() and suffix.isalnum() and not suffix.isdigit():
        return stem, "." + suffix
    return name, ""


def _join_name(stem: str, extension: str) -> str:
    stem = stem[: MAX_NAME_LENGTH - len(extension)].rstrip(" .")
    if not any(ch.isalnum() for ch in stem):
        stem = FALLBACK_STEM
    return stem + extension


def _with_extension_of(name: str, file_type: _FileType) -> str:
    """Phones and scanners name files oddly: the content decides the extension, the user's name is kept."""
    stem, extension = _split_extension(name)
    if extension.lower() in file_type.extensions:
        return name
    return _join_name(stem, file_type.extension)


# --- size and checksum -------------------------------------------------------------------------------------


def _check_size(size: int, max_bytes: int) -> None:
    if size == 0:
        raise FileRefused(_("The file is empty. Choose a file that has content."), code="empty")
    if size > max_bytes:
        raise FileRefused(
            _("The file is too large: files up to %(limit)s MB are accepted.") % {"limit": _megabytes(max_bytes)},
            code="too_large",
        )


def _megabytes(size: int) -> str:
    """20 MiB reads "20" and 2.5 MiB "2.5"; a tiny limit is never shown as "0"."""
    return f"{max(size / _MEBIBYTE, 0.01):.2f}".rstrip("0").rstrip(".")


def _digest(file: File | IO[bytes], *, stop_after: int | None) -> tuple[int, str]:
    """(bytes read, hex SHA-256); reading stops once more than stop_after bytes were seen, to refuse them."""
    digest = hashlib.sha256()
    size = 0
    _rewind(file)
    try:
        # Not File.chunks(): for an upload held in memory Django yields it whole, as one more copy.
        for chunk in iter(lambda: file.read(CHUNK_SIZE), b""):
            digest.update(chunk)
            size += len(chunk)
            if stop_after is not None and size > stop_after:
                break
    finally:
        _rewind(file)
    return size, digest.hexdigest()


def _rewind(file: File | IO[bytes]) -> None:
    seekable = getattr(file, "seekable", None)
    if hasattr(file, "seek") and (seekable is None or seekable()):
        file.seek(0)


# --- content types -----------------------------------------------------------------------------------------


def _detect_type(file: File) -> _FileType | None:
    file.seek(0)
    head = file.read(8)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head == _PNG_SIGNATURE:
        return PNG
    if head == _OLE_SIGNATURE:
        return _detect_ole(file)
    if head.startswith(b"PK\x03\x04"):
        return _detect_zip(file)
    return None


def _detect_zip(file: File) -> _FileType | None:
    """DOCX/XLSX by their main part, ODT/ODS by the leading "mimetype" member; nothing else is extracted."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            if "[Content_Types].xml" in names:
                is_word, is_excel = "word/document.xml" in names, "xl/workbook.xml" in names
                return _one_of(is_word, DOCX, is_excel, XLSX)
            first = members[0] if members else None
            if first is None or first.filename != "mimetype" or first.file_size > 100:
                return None
            with archive.open(first) as mimetype:
                return _ODF_BY_MIMETYPE.get(mimetype.read(100).strip())
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError):
        # Damaged, encrypted or using an unknown compression: not something we can tell is a document.
        return None


# The compound file (OLE2) layout, from [MS-CFB]: a 512-byte header, sectors chained through the FAT, and a
# directory of 128-byte entries arranged as a tree under the root entry.
_MAX_REGULAR_SECTOR = 0xFFFFFFFA
_NO_ENTRY = 0xFFFFFFFF
_ROOT_ENTRY, _STREAM_ENTRY = 5, 2
_DIRECTORY_ENTRY_SIZE = 128
_MAX_DIRECTORY_BYTES = 1024 * 1024  # real documents have tens of entries; more is a malformed or hostile file


class _MalformedCompoundFile(Exception):
    pass


def _detect_ole(file: File) -> _FileType | None:
    """DOC by its "WordDocument" stream, XLS by "Workbook" (or "Book", Excel 95), both at the top level."""
    try:
        names = _CompoundFile(file).top_level_stream_names()
    except (_MalformedCompoundFile, struct.error):
        return None
    # An Excel sheet may embed a Word document, but in a storage of its own, not at the top level.
    return _one_of("worddocument" in names, DOC, bool({"workbook", "book"} & names), XLS)


def _one_of(is_first: bool, first: _FileType, is_second: bool, second: _FileType) -> _FileType | None:
    if is_first == is_second:  # neither, or both: undecidable, so refused
        return None
    return first if is_first else second


class _CompoundFile:
    def __init__(self, file: File) -> None:
        self.file = file
        header = self._read_at(0, 512)
        (sector_shift,) = struct.unpack_from("<H", header, 30)
        if sector_shift not in (9, 12):
            raise _MalformedCompoundFile
        self.sector_size = 1 << sector_shift
        file.seek(0, 2)
        # Every chain walk is bounded by the number of sectors, so loops in a hostile file end.
        self.sector_count = file.tell() // self.sector_size
        (self.first_directory_sector,) = struct.unpack_from("<I", header, 48)
        first_difat_sector, difat_sector_count = struct.unpack_from("<II", header, 68)
        self.fat_sectors = list(struct.unpack_from("<109I", header, 76))
        self._extend_fat_sectors(first_difat_sector, difat_sector_count)

    def top_level_stream_names(self) -> set[str]:
        """Names (case-folded) of the streams directly under the root entry."""
        directory = b"".join(self._chain(self.first_directory_sector, max_bytes=_MAX_DIRECTORY_BYTES))
        entries = [
            directory[offset : offset + _DIRECTORY_ENTRY_SIZE]
            for offset in range(0, len(directory), _DIRECTORY_ENTRY_SIZE)
        ]
        if not entries or entries[0][66] != _ROOT_ENTRY:
            raise _MalformedCompoundFile
        names: set[str] = set()
        seen: set[int] = set()
        pending = [struct.unpack_from("<I", entries[0], 76)[0]]
        # The root's children form a binary tree linked through each entry's left and right sibling ids.
        while pending:
            index = pending.pop()
            if index == _NO_ENTRY or index >= len(entries) or index in seen:
                continue
            seen.add(index)
            entry = entries[index]
            (name_length,) = struct.unpack_from("<H", entry, 64)
            if entry[66] == _STREAM_ENTRY and 2 <= name_length <= 64:
                names.add(entry[: name_length - 2].decode("utf-16-le", errors="replace").casefold())
            pending.extend(struct.unpack_from("<II", entry, 68))
        return names

    def _extend_fat_sectors(self, difat_sector: int, count: int) -> None:
        # Past the 109 listed in the header, the FAT sectors are listed in a chain of DIFAT sectors.
        per_sector = self.sector_size // 4
        for _step in range(min(count, self.sector_count)):
            if difat_sector >= _MAX_REGULAR_SECTOR:
                return
            listed = struct.unpack(f"<{per_sector}I", self._sector(difat_sector))
            self.fat_sectors.extend(listed[:-1])
            difat_sector = listed[-1]

    def _chain(self, sector: int, *, max_bytes: int) -> Iterator[bytes]:
        for _step in range(min(self.sector_count, max_bytes // self.sector_size)):
            if sector >= _MAX_REGULAR_SECTOR:
                return
            yield self._sector(sector)
            sector = self._next_sector(sector)
        if sector < _MAX_REGULAR_SECTOR:
            raise _MalformedCompoundFile  # the chain is longer than the file or the limit

    def _next_sector(self, sector: int) -> int:
        fat_index, slot = divmod(sector, self.sector_size // 4)
        if fat_index >= len(self.fat_sectors) or self.fat_sectors[fat_index] >= _MAX_REGULAR_SECTOR:
            raise _MalformedCompoundFile
        offset = (self.fat_sectors[fat_index] + 1) * self.sector_size + slot * 4
        return struct.unpack("<I", self._read_at(offset, 4))[0]

    def _sector(self, sector: int) -> bytes:
        # Sector n starts after the header, which takes one sector's room.
        return self._read_at((sector + 1) * self.sector_size, self.sector_size)

    def _read_at(self, offset: int, length: int) -> bytes:
        self.file.seek(offset)
        data = self.file.read(length)
        if len(data) != length:
            raise _MalformedCompoundFile
        return data

"""Evidence uploads judged by content: real small files of every accepted type, and the ones that must be refused."""

import hashlib
import io
import struct
import unicodedata
import zipfile

import openpyxl
import pytest
import weasyprint
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.utils import translation
from PIL import Image

from criteria.evidence_files import (
    CHUNK_SIZE,
    FileRefused,
    InspectedFile,
    clean_file_name,
    inspect_upload,
    sha256_hex,
)

LIMIT = 20 * 1024 * 1024


# --- building real files -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return weasyprint.HTML(string="<p>Biên bản họp</p>").write_pdf()


def image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, kind)
    return buffer.getvalue()


def xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Tiêu chí 17"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_of(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            # ODF requires "mimetype" stored uncompressed, so it can be read at a fixed offset.
            archive.writestr(name, text, compress_type=zipfile.ZIP_STORED if name == "mimetype" else None)
    return buffer.getvalue()


def docx(**extra: str) -> bytes:
    return zip_of(
        {
            "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
            "_rels/.rels": "<Relationships/>",
            "word/document.xml": "<w:document><w:body><w:p><w:r><w:t>Biên bản</w:t></w:r></w:p></w:body></w:document>",
            **extra,
        }
    )


def odf(mimetype: str) -> bytes:
    return zip_of(
        {
            "mimetype": mimetype,
            "content.xml": "<office:document-content/>",
            "META-INF/manifest.xml": "<manifest:manifest/>",
        }
    )


# A minimal compound file (OLE2, [MS-CFB] version 3, 512-byte sectors) with empty streams.
FREE, END, FAT_SECTOR, DIFAT_SECTOR, NO_ENTRY = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC, 0xFFFFFFFF
ROOT, STORAGE, STREAM = 5, 1, 2


def directory_entry(name: str, kind: int, *, left: int, right: int, child: int = NO_ENTRY) -> bytes:
    encoded = name.encode("utf-16-le") + b"\0\0"
    return struct.pack(
        "<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1, left, right, child, bytes(16), 0, 0, 0, END, 0
    )


def sibling_tree(first: int, count: int, links: dict[int, tuple[int, int]]) -> int:
    """Links entries first..first+count-1 as a balanced tree through left and right ids, as Office writes them."""
    if count == 0:
        return NO_ENTRY
    middle = first + count // 2
    left = sibling_tree(first, middle - first, links)
    links[middle] = (left, sibling_tree(middle + 1, first + count - middle - 1, links))
    return middle


def ceil_div(total: int, per: int) -> int:
    return -(-total // per)


def compound_file(top_level: list[str], embedded: tuple[str, ...] = (), *, filler_sectors: int = 0) -> bytes:
    """Streams under the root (and, if given, under an embedded object's storage).

    The directory sectors come after filler_sectors and are chained backwards, so a reader must follow the FAT;
    past 109 FAT sectors the FAT is listed through a DIFAT sector, as in Office files over about 7 MB.
    """
    names = [*top_level, *(["MBD0001"] if embedded else [])]
    links: dict[int, tuple[int, int]] = {}
    top_level_root = sibling_tree(1, len(names), links)
    embedded_root = sibling_tree(len(names) + 1, len(embedded), links)
    entries = [directory_entry("Root Entry", ROOT, left=NO_ENTRY, right=NO_ENTRY, child=top_level_root)]
    for index, name in enumerate([*names, *embedded], start=1):
        left, right = links[index]
        if embedded and index == len(names):
            entries.append(directory_entry(name, STORAGE, left=left, right=right, child=embedded_root))
        else:
            entries.append(directory_entry(name, STREAM, left=left, right=right))
    entries += [bytes(128)] * (-len(entries) % 4)
    directory = [b"".join(entries[i : i + 4]) for i in range(0, len(entries), 4)]

    data_sectors = filler_sectors + len(directory)
    fat_count = difat_count = 0
    while True:  # the FAT must also cover its own sectors and the DIFAT's
        fat_needed = ceil_div(data_sectors + fat_count + difat_count, 128)  # 128 sector numbers per FAT sector
        needed = (fat_needed, ceil_div(max(fat_needed - 109, 0), 127))  # the header lists 109, a DIFAT sector 127
        if needed == (fat_count, difat_count):
            break
        fat_count, difat_count = needed
    fat_at = list(range(data_sectors, data_sectors + fat_count))
    difat_at = list(range(data_sectors + fat_count, data_sectors + fat_count + difat_count))

    fat = [FREE] * filler_sectors + [END] + [filler_sectors + i - 1 for i in range(1, len(directory))]
    fat += [FAT_SECTOR] * fat_count + [DIFAT_SECTOR] * difat_count
    fat += [FREE] * (fat_count * 128 - len(fat))
    difat_sectors = []
    for number in range(difat_count):
        listed = fat_at[109 + number * 127 : 109 + (number + 1) * 127]
        following = difat_at[number + 1] if number + 1 < difat_count else END
        difat_sectors.append(struct.pack("<128I", *listed, *[FREE] * (127 - len(listed)), following))

    header = (
        struct.pack(
            "<8s16sHHHHH6sIIIIIIIII",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            bytes(16),  # class id
            0x3E,  # minor version
            3,  # major version
            0xFFFE,  # little-endian
            9,  # 512-byte sectors
            6,  # 64-byte mini sectors
            bytes(6),
            0,  # directory sector count, always 0 in version 3
            fat_count,
            data_sectors - 1,  # the first directory sector is the last one written
            0,  # transaction signature
            4096,  # mini stream cutoff
            END,  # no mini FAT
            0,
            difat_at[0] if difat_at else END,
            difat_count,
        )
        + struct.pack("<109I", *fat_at[:109], *[FREE] * (109 - min(fat_count, 109)))
    )
    return b"".join(
        [
            header,
            bytes(512 * filler_sectors),
            *reversed(directory),
            *(struct.pack("<128I", *fat[i * 128 : (i + 1) * 128]) for i in range(fat_count)),
            *difat_sectors,
        ]
    )


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refusal(name: str, content: bytes, max_bytes: int = LIMIT) -> FileRefused:
    with pytest.raises(FileRefused) as refused:
        inspect_upload(upload(name, content), max_bytes=max_bytes)
    return refused.value


# --- accepted ----------------------------------------------------------------------------------------------

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize(
    ("name", "build", "content_type", "extension"),
    [
        ("Ảnh hiện trạng.jpg", lambda: image("JPEG"), "image/jpeg", ".jpg"),
        ("Sơ đồ.png", lambda: image("PNG"), "image/png", ".png"),
        ("Biểu 01.xlsx", xlsx, XLSX_TYPE, ".xlsx"),
        ("Quyết định.docx", docx, DOCX_TYPE, ".docx"),
        (
            "Biên bản.odt",
            lambda: odf("application/vnd.oasis.opendocument.text"),
            "application/vnd.oasis.opendocument.text",
            ".odt",
        ),
        (
            "Biểu.ods",
            lambda: odf("application/vnd.oasis.opendocument.spreadsheet"),
            "application/vnd.oasis.opendocument.spreadsheet",
            ".ods",
        ),
        (
            "Tờ trình.doc",
            lambda: compound_file(["1Table", "WordDocument", "\x05SummaryInformation"]),
            "application/msword",
            ".doc",
        ),
        ("Biểu.xls", lambda: compound_file(["Workbook", "\x05SummaryInformation"]), "application/vnd.ms-excel", ".xls"),
        ("Biểu cũ.xls", lambda: compound_file(["Book"]), "application/vnd.ms-excel", ".xls"),
    ],
)
def test_each_accepted_type_is_recognised_from_its_content(name, build, content_type, extension):
    content = build()
    inspected = inspect_upload(upload(name, content), max_bytes=LIMIT)
    assert inspected == InspectedFile(
        name=name,
        content_type=content_type,
        extension=extension,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def test_a_pdf_rendered_by_weasyprint_is_accepted(pdf):
    inspected = inspect_upload(upload("Biên bản họp.pdf", pdf), max_bytes=LIMIT)
    assert (inspected.content_type, inspected.extension, inspected.size) == ("application/pdf", ".pdf", len(pdf))
    assert inspected.sha256 == hashlib.sha256(pdf).hexdigest()


def test_an_excel_sheet_embedding_a_word_document_is_an_excel_sheet():
    content = compound_file(["Workbook"], embedded=["WordDocument"])
    assert inspect_upload(upload("Biểu.xls", content), max_bytes=LIMIT).extension == ".xls"


def test_a_directory_spanning_several_sectors_is_followed_to_its_end():
    content = compound_file([*(f"Stream{number}" for number in range(10)), "Workbook"])
    assert inspect_upload(upload("Biểu.xls", content), max_bytes=LIMIT).extension == ".xls"


def test_a_large_office_file_whose_fat_continues_in_the_difat_is_read():
    content = compound_file(["WordDocument"], filler_sectors=14_000)
    assert len(content) > 109 * 128 * 512  # what the FAT sectors listed in the header can cover
    assert inspect_upload(upload("Báo cáo.doc", content), max_bytes=LIMIT).content_type == "application/msword"


def test_an_upload_spooled_to_a_temporary_file_is_inspected_like_one_in_memory():
    content = xlsx()
    spooled = TemporaryUploadedFile("Biểu 02.xlsx", "application/octet-stream", len(content), None)
    spooled.write(content)
    spooled.seek(0)
    with spooled:
        assert inspect_upload(spooled, max_bytes=LIMIT).content_type == XLSX_TYPE


def test_a_content_file_is_accepted_too(pdf):
    assert inspect_upload(ContentFile(pdf, name="Biên bản.pdf"), max_bytes=LIMIT).name == "Biên bản.pdf"


# --- refused by content ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("Quyết định.pdf", b"MZ\x90\x00\x03" + bytes(60) + b"This program cannot be run in DOS mode."),
        ("Quyết định.pdf", b"\x7fELF\x02\x01\x01" + bytes(64)),
        ("trang.pdf", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
        ("so-do.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("ghi-chu.pdf", "Biên bản họp thôn".encode()),
        ("anh.jpg", image("GIF")),
        ("ho-so.docx", zip_of({"a.txt": "xin chào"})),
        ("trinh-chieu.docx", zip_of({"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<p/>"})),
        ("hai-loai.docx", docx(**{"xl/workbook.xml": "<workbook/>"})),
        ("trinh-chieu.odt", odf("application/vnd.oasis.opendocument.presentation")),
        ("sai-thu-tu.odt", zip_of({"content.xml": "<c/>", "mimetype": "application/vnd.oasis.opendocument.text"})),
        ("hong.docx", b"PK\x03\x04" + bytes(100)),
        ("trinh-chieu.doc", compound_file(["PowerPoint Document", "Current User"])),
        ("hai-loai.doc", compound_file(["WordDocument", "Workbook"])),
        ("chi-nhung.doc", compound_file(["Ole10Native"], embedded=["WordDocument"])),
        ("cat-ngan.doc", compound_file(["WordDocument"])[:512]),
    ],
    ids=[
        "exe",
        "elf",
        "html",
        "svg",
        "text",
        "gif",
        "plain-zip",
        "pptx",
        "docx-and-xlsx",
        "odp",
        "odf-mimetype-not-first",
        "broken-zip",
        "ppt",
        "doc-and-xls",
        "only-embedded-word",
        "truncated-ole",
    ],
)
def test_other_content_is_refused_whatever_its_name(name, content):
    assert refusal(name, content).code == "unsupported_type"


def test_the_refusal_names_the_accepted_types():
    with translation.override("en"):
        message = refusal("x.pdf", b"MZ" + bytes(100)).message
    assert message.startswith("This type of file is not accepted.")
    assert "PDF" in message


# --- refused by size ---------------------------------------------------------------------------------------


def test_an_empty_file_is_refused():
    assert refusal("Biên bản.pdf", b"").code == "empty"


def test_a_file_exactly_at_the_limit_is_accepted_and_one_byte_more_is_refused(pdf):
    assert inspect_upload(upload("a.pdf", pdf), max_bytes=len(pdf)).size == len(pdf)
    assert refusal("a.pdf", pdf, max_bytes=len(pdf) - 1).code == "too_large"


def test_the_real_size_counts_not_the_declared_one(pdf):
    lying = upload("a.pdf", pdf)
    lying.size = 10
    with pytest.raises(FileRefused) as refused:
        inspect_upload(lying, max_bytes=100)
    assert refused.value.code == "too_large"


@pytest.mark.parametrize(("max_bytes", "shown"), [(20 * 1024 * 1024, "20 MB"), (5 * 1024 * 1024 // 2, "2.5 MB")])
def test_the_size_refusal_gives_the_limit_in_megabytes(pdf, max_bytes, shown):
    with translation.override("en"):
        message = refusal("a.pdf", b"%PDF-" + bytes(max_bytes), max_bytes=max_bytes).message
    assert message == f"The file is too large: files up to {shown} are accepted."


# --- refused by name ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        # Django's UploadedFile keeps only the part after the last "/", so these arrive through other File kinds.
        "../../etc/passwd.pdf",
        "bien-ban/../../x.pdf",
        "/etc/passwd.pdf",
        "..",
        "C:\\x\\y.pdf",
        "C:y.pdf",
        "..\\..\\boot.ini.pdf",
        "bien\x00ban.pdf",
        "bien\nban.pdf",
        "bien\x1bban.pdf",
    ],
)
def test_a_name_with_path_parts_or_control_characters_is_refused_not_stripped(pdf, name):
    with pytest.raises(FileRefused) as refused:
        inspect_upload(ContentFile(pdf, name=name), max_bytes=LIMIT)
    assert refused.value.code == "invalid_name"


def test_a_backslashed_windows_path_is_refused_even_from_an_uploaded_file(pdf):
    with translation.override("en"):
        message = refusal("C:\\Users\\xa\\Biên bản.pdf", pdf).message
    assert message.startswith("The file name is not valid")


# --- reading the upload ------------------------------------------------------------------------------------


class RecordingUpload(SimpleUploadedFile):
    """Records every read size, to show that the content is never read whole."""

    def __init__(self, name: str, content: bytes) -> None:
        super().__init__(name, content)
        self.read_sizes: list[int] = []

    def read(self, size: int = -1) -> bytes:
        self.read_sizes.append(size)
        return super().read(size)


def test_the_upload_is_read_in_chunks_and_left_rewound_for_saving():
    content = b"%PDF-1.7\n" + bytes(1024 * 1024)
    recording = RecordingUpload("lớn.pdf", content)
    inspected = inspect_upload(recording, max_bytes=LIMIT)
    assert inspected.sha256 == hashlib.sha256(content).hexdigest()
    assert all(0 < size <= CHUNK_SIZE for size in recording.read_sizes)
    assert recording.tell() == 0
    assert recording.read() == content


def test_a_declared_size_over_the_limit_is_refused_without_reading():
    recording = RecordingUpload("lớn.pdf", b"%PDF-" + bytes(200))
    with pytest.raises(FileRefused):
        inspect_upload(recording, max_bytes=100)
    assert recording.read_sizes == []


def test_a_refused_upload_is_left_rewound():
    html = upload("trang.pdf", b"<html></html>")
    with pytest.raises(FileRefused):
        inspect_upload(html, max_bytes=LIMIT)
    assert html.tell() == 0


def test_sha256_hex_covers_the_whole_content_from_any_position():
    content = bytes(range(256)) * 1000
    uploaded = upload("a.bin", content)
    uploaded.read(10)
    assert sha256_hex(uploaded) == hashlib.sha256(content).hexdigest()
    assert uploaded.tell() == 0
    plain = io.BytesIO(content)
    plain.read(10)
    assert sha256_hex(plain) == hashlib.sha256(content).hexdigest()
    assert plain.tell() == 0


# --- file names --------------------------------------------------------------------------------------------


def test_a_decomposed_vietnamese_name_is_stored_composed(pdf):
    decomposed = unicodedata.normalize("NFD", "Biên bản họp.pdf")
    assert decomposed != "Biên bản họp.pdf"
    assert clean_file_name(decomposed) == "Biên bản họp.pdf"
    assert inspect_upload(upload(decomposed, pdf), max_bytes=LIMIT).name == "Biên bản họp.pdf"


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("Quyết định số 12/QĐ-UBND (bản chính).pdf", "Quyết định số 12_QĐ-UBND (bản chính).pdf"),
        ("Tờ trình: xã Đồng Tâm <2024>?.docx", "Tờ trình_ xã Đồng Tâm _2024_.docx"),
        ("ảnh 😀😀 đẹp.jpg", "ảnh _ đẹp.jpg"),
        ("Biên  bản\u00a0\u00a0họp...pdf", "Biên bản họp.pdf"),
        ("a___b.pdf", "a_b.pdf"),
        ("..hidden.pdf", "hidden.pdf"),
        ("  . Báo cáo.xlsx", "Báo cáo.xlsx"),
        ("evil\u202efdp.exe", "evil_fdp.exe"),
        ("报告.pdf", "tep.pdf"),
        ("???.pdf", "tep.pdf"),
        (".pdf", "pdf"),
        ("", "tep"),
    ],
)
def test_clean_file_name(raw, cleaned):
    assert clean_file_name(raw) == cleaned


def test_a_very_long_name_is_cut_to_150_characters_keeping_the_extension():
    assert clean_file_name("Đ" * 300 + ".pdf") == "Đ" * 146 + ".pdf"
    # A cut that lands on a space leaves no space before the extension.
    cleaned = clean_file_name("Biên bản họp " * 40 + ".docx")
    assert len(cleaned) <= 150
    assert cleaned.startswith("Biên bản họp Biên bản họp")
    assert cleaned.endswith(".docx") and not cleaned.endswith(" .docx")


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("anh.pdf", "anh.jpg"),  # phones and messaging apps name photos oddly
        ("anh.JPEG", "anh.JPEG"),
        ("IMG_0001", "IMG_0001.jpg"),
        ("Biên bản ngày 12.5", "Biên bản ngày 12.5.jpg"),
        ("ảnh.exe", "ảnh.jpg"),
        ("???", "tep.jpg"),
        ("x" * 200 + ".heic", "x" * 145 + ".jpg"),  # cut to fit ".heic", then given ".jpg"
    ],
)
def test_the_detected_type_decides_the_extension_of_the_stored_name(name, stored):
    assert inspect_upload(upload(name, image("JPEG")), max_bytes=LIMIT).name == stored

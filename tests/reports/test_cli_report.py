"""The command line of an office scripting its reports, on a fresh database with no account at all: load the
criteria and the map, import the 2021 workbook of Cao Bằng (139 programme communes, 17 meeting all 19
criteria, no recognition decision), render the annual report (issue 16)."""

import io
import unicodedata

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from pypdf import PdfReader

from communes.models import AdministrativeUnit
from tests.criteria.test_import_results import cells, workbook

YEAR = 2021
CRITERIA = 19
MEETING_ALL = 17


def programme_communes():
    """(code, name, district name as the workbook writes it) of Cao Bằng's programme communes in 2021."""
    rows = (
        AdministrativeUnit.objects.in_programme()
        .valid_on(f"{YEAR}-01-01")
        .order_by("code")
        .values_list("code", "name", "parent__short_name")
    )
    # Offices type the new placement of the tone mark ("Hòa An"); the code list writes "Hoà An".
    return [(code, name, district.replace("Hoà", "Hòa")) for code, name, district in rows]


def marks(index: int) -> list[bool]:
    """The first 17 communes meet every criterion; the others 3 … 18, never all."""
    met = CRITERIA if index < MEETING_ALL else 3 + index % 16
    return [number <= met for number in range(1, CRITERIA + 1)]


@pytest.fixture
def imported(db, tmp_path):
    call_command("load_criteria", verbosity=0, stdout=io.StringIO())
    call_command("load_units", province="Cao Bằng", stdout=io.StringIO())
    communes = programme_communes()
    assert len(communes) == 139
    assert any(district == "Hòa An" for _code, _name, district in communes)
    rows = [(name, district, cells(marks(index))) for index, (_code, name, district) in enumerate(communes)]
    path = tmp_path / "ket-qua-2021.xlsx"
    path.write_bytes(workbook(rows))
    call_command("import_results", str(path), "--year", str(YEAR), "--province", "Cao Bằng", stdout=io.StringIO())
    assert not get_user_model().objects.exists()
    return tmp_path


def render(tmp_path, *options, file_format="pdf", unit="Cao Bằng") -> tuple[bytes, str]:
    output = tmp_path / f"bao-cao.{file_format}"
    out = io.StringIO()
    call_command(
        "render_report", "--unit", unit, "--year", str(YEAR), "--kind", "annual", "--format", file_format,
        "--output", str(output), *options, stdout=out,
    )  # fmt: skip
    return output.read_bytes(), out.getvalue()


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))


def flat(text: str) -> str:
    return " ".join(text.split())


def test_a_fresh_database_without_an_account_renders_the_annual_report(imported):
    content, said = render(imported)

    text = flat(pdf_text(content))
    assert content.startswith(b"%PDF")
    assert "bao-cao.pdf" in said
    assert f"{MEETING_ALL} xã đạt đủ 19/19 tiêu chí, trong đó 00 xã đã có quyết định công nhận" in text

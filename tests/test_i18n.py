"""The Vietnamese catalogue is complete and current, and the portal speaks Vietnamese unless asked otherwise."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import translation

from communes.models import AdministrativeUnit

VI_CATALOGUE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"
# The options of the documented makemessages run; the copy holds only what makemessages reads.
MAKEMESSAGES_IGNORED = (".venv", "scripts", "tests")
SOURCE_SUFFIXES = {".py", ".html", ".txt"}


def catalogue_statistics(po_file: Path) -> str:
    """msgfmt's one-line summary, after its format checks (placeholders must match their msgid's)."""
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po_file)],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stderr.strip()


def catalogue_keys(po_file: Path) -> set[tuple[str, str]]:
    """(msgctxt, msgid) of every entry but the header."""
    unwrapped = subprocess.run(
        ["msgattrib", "--no-wrap", "--no-location", "--no-obsolete", str(po_file)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    entries = re.findall(r'^(?:msgctxt "(.*)"\n)?msgid "(.*)"$', unwrapped, flags=re.MULTILINE)
    return {entry for entry in entries if entry[1]}


def _not_extracted(directory: str, names: list[str]) -> set[str]:
    here = Path(directory)
    return {
        name
        for name in names
        if name.startswith(".")
        or name in {*MAKEMESSAGES_IGNORED, "__pycache__", "locale"}
        or ((here / name).is_file() and Path(name).suffix not in SOURCE_SUFFIXES)
    }


def test_the_vietnamese_catalogue_has_no_untranslated_or_fuzzy_entry():
    statistics = catalogue_statistics(VI_CATALOGUE)
    assert re.fullmatch(r"\d+ translated messages\.", statistics), statistics
    assert "untranslated" not in statistics
    assert "fuzzy" not in statistics


def test_the_catalogue_holds_exactly_the_strings_of_the_code(tmp_path, monkeypatch):
    """makemessages run on a copy of the project changes no entry of the committed catalogue."""
    project = tmp_path / "project"
    shutil.copytree(settings.BASE_DIR, project, ignore=_not_extracted)
    shutil.copytree(Path(settings.BASE_DIR) / "locale", project / "locale", ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.chdir(project)
    with override_settings(LOCALE_PATHS=[str(project / "locale")]):
        call_command(
            "makemessages", locale=["vi"], ignore_patterns=list(MAKEMESSAGES_IGNORED), no_obsolete=True, verbosity=0
        )
    regenerated = project / "locale" / "vi" / "LC_MESSAGES" / "django.po"

    committed_keys, code_keys = catalogue_keys(VI_CATALOGUE), catalogue_keys(regenerated)
    assert code_keys - committed_keys == set(), "strings in the code but not in the catalogue: run makemessages"
    assert committed_keys - code_keys == set(), "strings in the catalogue the code no longer uses: run makemessages"
    assert catalogue_statistics(regenerated) == catalogue_statistics(VI_CATALOGUE)


def unknown_province_error() -> str:
    with pytest.raises(CommandError) as error:
        call_command("load_units", province="Xyzw")
    return str(error.value)


def test_labels_and_command_messages_follow_the_active_language():
    # Needs the compiled catalogue (`make messages`, part of `make install`).
    with translation.override("vi"):
        assert AdministrativeUnit._meta.verbose_name == "đơn vị hành chính"
        assert AdministrativeUnit.Level.COMMUNE.label == "Cấp xã"
        assert AdministrativeUnit.Kind.TOWNSHIP.label == "Thị trấn"
        assert unknown_province_error() == "Không tìm thấy tỉnh Xyzw."
    with translation.override("en"):
        assert AdministrativeUnit._meta.verbose_name == "administrative unit"
        assert AdministrativeUnit.Level.COMMUNE.label == "Commune level"
        assert AdministrativeUnit.Kind.TOWNSHIP.label == "Township"
        assert unknown_province_error() == "Unknown province: Xyzw."


def test_the_admin_index_is_vietnamese_even_for_english_browsers_and_english_when_chosen(admin_client):
    # Offices often run browsers set to English: the portal stays Vietnamese until someone picks English.
    page = admin_client.get("/admin/", headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    for text in ("Cổng thông tin Nông thôn mới", "Đơn vị hành chính", "Tiêu chí và đánh giá", "Vốn và nguồn lực"):
        assert text in page

    # The middleware leaves the request's language active; the override puts the default back afterwards.
    with translation.override("vi"):
        admin_client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
        english = admin_client.get("/admin/").content.decode()
    for text in ("New Rural Areas Portal", "Administrative units", "Criteria and assessments", "Funding"):
        assert text in english

"""Rebuild fixtures/units/*.json.gz from pinned PyPI packages. Developers run this; the app never does.

    .venv/bin/python scripts/build_unit_fixtures.py

Each package is installed into its own temporary directory and read in a subprocess of its own: the two
vietnam-provinces versions share one import name, so they cannot live in one interpreter. The fixtures are
small, sorted lists written with a fixed gzip timestamp, so rebuilding from the same pins gives the same bytes.

What it writes (compact JSON, records sorted by code; codes zero-padded GSO codes):
- map_2025_01.json.gz, three-tier map until 30/6/2025: "provinces" [code, name], "districts" [code, name,
  province code], "communes" [code, name, district code].
- map_2025_07.json.gz, two-tier map from 1/7/2025: "provinces" [code, name], "communes" [code, name,
  province code].
- successors_2025_07.json.gz, old code → new code: "provinces" (merged away, or code reused under another
  name), "districts" (island districts without communes → special zone), "communes"; "unmatched" converter rows.

Data fixes made here, because only this script sees the packages:
- 2025.x names provinces without their prefix ("Cao Bằng"): "Tỉnh " is added from its `division_type`.
- vietnam-address-converter numbers units its own way (Hà Nội is "11"), so its rows are matched to the
  vietnam-provinces codes by name: province, then district, then commune, exact spelling first and the
  diacritic-free form only when that is unambiguous. Rows that match nothing are kept in the fixture
  under "unmatched", so the gaps stay visible.
"""

import gzip
import json
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The script runs outside Django and the project is not an installed package: put the root on the path.
sys.path.insert(0, str(ROOT))

from ntm_portal.text import fold, nfc  # noqa: E402

THREE_TIER_PACKAGE = "vietnam-provinces==0.6.0"
TWO_TIER_PACKAGE = "vietnam-provinces==2025.10.1"
CONVERTER_PACKAGE = "vietnam-address-converter==1.0.5"
OUT_DIR = ROOT / "fixtures" / "units"

READ_PROVINCES = """
import json, sys, vietnam_provinces as vp
divisions = json.loads(vp.NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))
json.dump({"version": vp.__version__, "data_version": vp.__data_version__, "divisions": divisions}, sys.stdout)
"""

READ_CONVERTER = """
import json, sys, vietnam_address_converter as vac
from vietnam_address_converter.data import DEFAULT_DATA
mapping = DEFAULT_DATA["mapping"]
rows = [
    [r["old"]["province_name"], r["old"]["district_name"], r["old"]["ward_name"],
     r["new"]["province_name"], r["new"]["ward_name"]]
    for r in mapping["rows"]
]
json.dump({"version": vac.__version__, "meta": mapping["meta"], "rows": rows}, sys.stdout)
"""

# Longest first, so "thi tran" wins over a shorter prefix that happens to start it.
_PREFIXES = ("thanh pho", "thi tran", "dac khu", "thi xa", "phuong", "huyen", "quan", "tinh", "xa")
# Spellings that differ between the two sources for the same unit ("NT" = nông trường, state farm).
_ALIASES = ((r"\bn\.? ?t\b", "nong truong"), (r"\bqui\b", "quy"))
# "Phường VII" in one source is "Phường 7" in the other.
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8", "ix": "9"}


def package_read(*, spec: str, program: str, workdir: Path) -> dict[str, Any]:
    target = workdir / re.sub(r"\W+", "_", spec)
    # --no-deps: reading the data needs none of their dependencies, and unpinned ones would make builds drift.
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-cache-dir", "--no-deps"]
    subprocess.run([*pip, "--target", str(target), spec], check=True)
    # -s keeps user site-packages out; PYTHONPATH puts the target before the venv's own packages.
    result = subprocess.run(
        [sys.executable, "-s", "-c", program],
        check=True,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={"PYTHONPATH": str(target), "PYTHONIOENCODING": "utf-8"},
    )
    return json.loads(result.stdout)


def split_prefix(name: str) -> tuple[str, str]:
    folded = fold(name)
    for prefix in _PREFIXES:
        if folded.startswith(prefix + " "):
            return prefix, folded[len(prefix) + 1 :]
    return "", folded


def loose_key(name: str) -> str:
    """The name without prefix, diacritics, punctuation or spelling variants: "Xã Tam Xuân I" → "tamxuan1"."""
    rest = split_prefix(name)[1]
    for pattern, replacement in _ALIASES:
        rest = re.sub(pattern, replacement, rest)
    rest = " ".join(_ROMAN.get(word, word) for word in rest.split())
    return re.sub(r"[^a-z0-9]", "", rest)


class NameIndex:
    """Codes by name inside one parent: exact spelling first, the loose key only when it names one unit."""

    def __init__(self) -> None:
        self._exact: dict[tuple[str, str], list[str]] = defaultdict(list)
        self._loose: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        self._looser: dict[tuple[str, str], list[str]] = defaultdict(list)

    def add(self, *, parent: str, name: str, code: str) -> None:
        self._exact[parent, nfc(name).lower()].append(code)
        self._loose[parent, split_prefix(name)[0], loose_key(name)].append(code)
        self._looser[parent, loose_key(name)].append(code)

    def find(self, *, parent: str, name: str, ignore_prefix: bool = False) -> str | None:
        for candidates in (
            self._exact.get((parent, nfc(name).lower()), []),
            self._loose.get((parent, split_prefix(name)[0], loose_key(name)), []),
            self._looser.get((parent, loose_key(name)), []) if ignore_prefix else [],
        ):
            if len(candidates) == 1:
                return candidates[0]
            if candidates:
                return None
        return None


def official_name(province: dict[str, Any]) -> str:
    name = nfc(province["name"])
    if split_prefix(name)[0]:
        return name
    prefix = "Thành phố" if province["division_type"].startswith("thành phố") else "Tỉnh"
    return f"{prefix} {name}"


def three_tier_map(package: dict[str, Any]) -> dict[str, Any]:
    provinces, districts, communes = [], [], []
    for province in package["divisions"]:
        province_code = f"{province['code']:02d}"
        provinces.append([province_code, official_name(province)])
        for district in province["districts"]:
            district_code = f"{district['code']:03d}"
            districts.append([district_code, nfc(district["name"]), province_code])
            communes.extend([f"{ward['code']:05d}", nfc(ward["name"]), district_code] for ward in district["wards"])
    return {
        "map": "three-tier",
        "source": THREE_TIER_PACKAGE,
        "data_version": package["data_version"],
        "provinces": sorted(provinces),
        "districts": sorted(districts),
        "communes": sorted(communes),
    }


def two_tier_map(package: dict[str, Any]) -> dict[str, Any]:
    provinces, communes = [], []
    for province in package["divisions"]:
        province_code = f"{province['code']:02d}"
        provinces.append([province_code, official_name(province)])
        communes.extend([f"{ward['code']:05d}", nfc(ward["name"]), province_code] for ward in province["wards"])
    return {
        "map": "two-tier",
        "source": TWO_TIER_PACKAGE,
        "data_version": package["data_version"],
        "provinces": sorted(provinces),
        "communes": sorted(communes),
    }


def successor_links(*, old_map: dict[str, Any], new_map: dict[str, Any], converter: dict[str, Any]) -> dict[str, Any]:
    province_index, new_province_index = NameIndex(), NameIndex()
    district_index, commune_index, new_commune_index = NameIndex(), NameIndex(), NameIndex()
    for code, name in old_map["provinces"]:
        province_index.add(parent="", name=name, code=code)
    for code, name, parent in old_map["districts"]:
        district_index.add(parent=parent, name=name, code=code)
    for code, name, parent in old_map["communes"]:
        commune_index.add(parent=parent, name=name, code=code)
    for code, name in new_map["provinces"]:
        new_province_index.add(parent="", name=name, code=code)
    for code, name, parent in new_map["communes"]:
        new_commune_index.add(parent=parent, name=name, code=code)

    provinces, districts, communes, unmatched = set(), set(), set(), []
    for row in converter["rows"]:
        old_province_name, district_name, ward_name, new_province_name, new_ward_name = row
        old_province = province_index.find(parent="", name=old_province_name)
        new_province = new_province_index.find(parent="", name=new_province_name)
        # A district that became a town or city keeps its name: the prefix may differ between the sources.
        district = old_province and district_index.find(parent=old_province, name=district_name, ignore_prefix=True)
        new_commune = new_province and new_commune_index.find(parent=new_province, name=new_ward_name)
        if old_province and new_province:
            provinces.add((old_province, new_province))
        if not ward_name.strip():
            # Island districts had no communes and became special zones (đặc khu).
            if district and new_commune:
                districts.add((district, new_commune))
            else:
                unmatched.append([*row, "district" if not district else "new commune"])
            continue
        # A commune that became a ward or township before 1/7/2025 keeps its name: the prefix may differ.
        old_commune = district and commune_index.find(parent=district, name=ward_name, ignore_prefix=True)
        if old_commune and new_commune:
            communes.add((old_commune, new_commune))
        else:
            unmatched.append([*row, "old commune" if not old_commune else "new commune"])

    old_names, new_names = dict(old_map["provinces"]), dict(new_map["provinces"])
    return {
        "source": CONVERTER_PACKAGE,
        "mapping_version": converter["meta"]["version"],
        "mapping_rows": converter["meta"]["row_count"],
        # A province that continues under its own code and name needs no link: it stays the same unit.
        "provinces": sorted(
            [old, new]
            for old, new in provinces
            if not (old == new and loose_key(old_names[old]) == loose_key(new_names[new]))
        ),
        "districts": sorted(list(link) for link in districts),
        "communes": sorted(list(link) for link in communes),
        "unmatched": sorted(nfc_row(row) for row in unmatched),
    }


def nfc_row(row: list[str]) -> list[str]:
    return [nfc(value) for value in row]


def fixture_write(*, name: str, content: dict[str, Any]) -> Path:
    path = OUT_DIR / name
    text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    # mtime=0 and no file name in the header: the same data gives the same bytes.
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    return path


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="unit-fixtures-") as tmp:
        workdir = Path(tmp)
        old_map = three_tier_map(package_read(spec=THREE_TIER_PACKAGE, program=READ_PROVINCES, workdir=workdir))
        new_map = two_tier_map(package_read(spec=TWO_TIER_PACKAGE, program=READ_PROVINCES, workdir=workdir))
        converter = package_read(spec=CONVERTER_PACKAGE, program=READ_CONVERTER, workdir=workdir)
    links = successor_links(old_map=old_map, new_map=new_map, converter=converter)
    for name, content in (
        ("map_2025_01.json.gz", old_map),
        ("map_2025_07.json.gz", new_map),
        ("successors_2025_07.json.gz", links),
    ):
        path = fixture_write(name=name, content=content)
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size:,} bytes")
    linked = {old for old, _ in links["communes"]}
    print(
        f"three-tier: {len(old_map['provinces'])} provinces, {len(old_map['districts'])} districts, "
        f"{len(old_map['communes'])} communes; two-tier: {len(new_map['provinces'])} provinces, "
        f"{len(new_map['communes'])} communes"
    )
    print(
        f"successors: {len(links['communes'])} commune links from {len(linked)} of {len(old_map['communes'])} "
        f"old communes, {len(links['provinces'])} province links, {len(links['districts'])} district links, "
        f"{len(links['unmatched'])} converter rows unmatched"
    )


if __name__ == "__main__":
    main()

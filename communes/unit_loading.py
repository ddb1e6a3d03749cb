"""Load the official administrative maps (fixtures/units, built by scripts/build_unit_fixtures.py) into units.

Two maps: the three-tier map (provinces, districts, communes) that ended on 30/6/2025, and the two-tier map
(provinces, communes) from 1/7/2025. A row is keyed by (level, code, valid_from): the two-tier map reuses
commune codes for other places, so its units start on TWO_TIER_MAP_START and never share a row with the old
ones. A province that keeps its code and name in the two-tier map is one row across both maps.

Loading is idempotent and touches only the fields this module owns; offices set applied_region,
commune_group, is_border and is_especially_difficult, and a reload must not undo their work.
"""

import datetime
import difflib
import gzip
import json
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.conf import settings
from django.db import transaction

from communes.models import TWO_TIER_MAP_START, AdministrativeUnit
from communes.regions import THREE_TIER_REGIONS, TWO_TIER_REGIONS
from ntm_portal.bulk import UpsertCount, bulk_upsert
from ntm_portal.text import fold, nfc

THREE_TIER = "three-tier"
TWO_TIER = "two-tier"
MAPS = (THREE_TIER, TWO_TIER)
THREE_TIER_MAP_END = TWO_TIER_MAP_START - datetime.timedelta(days=1)
# (valid_from, valid_to) of the units of each map; continuing provinces are the exception.
_THREE_TIER = (None, THREE_TIER_MAP_END)
_TWO_TIER = (TWO_TIER_MAP_START, None)
FIXTURE_DIR = settings.BASE_DIR / "fixtures" / "units"

Level = AdministrativeUnit.Level
Kind = AdministrativeUnit.Kind
Key = tuple[str, str, datetime.date | None]

# The kind is read from the name: vietnam-provinces 0.6.0 calls every district "huyện" and every commune "xã".
# Prefixes are compared as whole words, case and diacritics aside ("Thành Phố" occurs); the level settles
# what "Thành phố" means.
_PREFIX_KINDS: tuple[tuple[str, dict[str, str]], ...] = (
    ("Thành phố", {Level.PROVINCE: Kind.CENTRAL_CITY, Level.DISTRICT: Kind.PROVINCIAL_CITY}),
    ("Thị trấn", {Level.COMMUNE: Kind.TOWNSHIP}),
    ("Đặc khu", {Level.COMMUNE: Kind.SPECIAL_ZONE}),
    ("Phường", {Level.COMMUNE: Kind.WARD}),
    ("Thị xã", {Level.DISTRICT: Kind.DISTRICT_TOWN}),
    ("Huyện", {Level.DISTRICT: Kind.RURAL_DISTRICT}),
    ("Quận", {Level.DISTRICT: Kind.URBAN_DISTRICT}),
    ("Tỉnh", {Level.PROVINCE: Kind.PROVINCE}),
    ("Xã", {Level.COMMUNE: Kind.COMMUNE}),
)
_OWNED_FIELDS = ("name", "short_name", "search_name", "kind", "parent_id", "valid_to", "region", "in_programme")
_PROVINCE_PREFIX = re.compile(r"^(tinh|thanh pho|tp\.?)\s+")


@dataclass(frozen=True)
class UnitRecord:
    level: str
    code: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    name: str
    kind: str
    short_name: str
    region: str
    parent: Key | None

    @property
    def key(self) -> Key:
        return (self.level, self.code, self.valid_from)


@dataclass
class LoadReport:
    levels: dict[str, UpsertCount] = field(default_factory=lambda: {level: UpsertCount() for level in Level.values})
    successors_created: int = 0
    successors_existing: int = 0
    # Links whose other end is not in the database (a province loaded alone, or one map only).
    successors_skipped: int = 0
    seconds: float = 0.0


class UnknownProvince(ValueError):
    def __init__(self, name: str, close_names: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.close_names = close_names


@cache
def _fixture(name: str) -> dict[str, Any]:
    with gzip.open(FIXTURE_DIR / name, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def _three_tier() -> dict[str, Any]:
    return _fixture("map_2025_01.json.gz")


def _two_tier() -> dict[str, Any]:
    return _fixture("map_2025_07.json.gz")


def _successors() -> dict[str, Any]:
    return _fixture("successors_2025_07.json.gz")


def name_parts(*, level: str, name: str) -> tuple[str, str, str]:
    """(official name, kind, short name): "Thành Phố  Bắc Kạn" → ("Thành phố Bắc Kạn", "thanh_pho", "Bắc Kạn")."""
    words = nfc(name).split(" ")
    for prefix, kinds in _PREFIX_KINDS:
        size = prefix.count(" ") + 1
        if fold(" ".join(words[:size])) == fold(prefix) and level in kinds and len(words) > size:
            short_name = " ".join(words[size:])
            return f"{prefix} {short_name}", kinds[level], short_name
    raise ValueError(f"No known {level} prefix in {name!r}")


def _province_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", _PROVINCE_PREFIX.sub("", fold(name)))


@cache
def _continuing_provinces() -> frozenset[str]:
    """Codes of provinces that go on under the same code and name (24 Bắc Giang → 24 Bắc Ninh does not)."""
    old_names = dict(_three_tier()["provinces"])
    return frozenset(
        code
        for code, name in _two_tier()["provinces"]
        if code in old_names and _province_key(old_names[code]) == _province_key(name)
    )


def _two_tier_province_key(code: str) -> Key:
    return (Level.PROVINCE, code, None if code in _continuing_provinces() else TWO_TIER_MAP_START)


def province_codes(*, name: str, maps: Sequence[str]) -> dict[str, set[str]]:
    """Codes of the provinces called `name` in each map; "Cao Bằng", "cao bang" and "Tỉnh Cao Bằng" agree."""
    fixtures = {THREE_TIER: _three_tier(), TWO_TIER: _two_tier()}
    wanted = _province_key(name)
    found = {
        map_name: {code for code, official in fixtures[map_name]["provinces"] if _province_key(official) == wanted}
        for map_name in maps
    }
    if not any(found.values()):
        names = {
            _province_key(official): official for map_name in maps for _, official in fixtures[map_name]["provinces"]
        }
        close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.6)
        raise UnknownProvince(nfc(name), [names[key] for key in close])
    return found


def _record(
    *,
    level: str,
    code: str,
    name: str,
    valid: tuple[datetime.date | None, datetime.date | None],
    region: str,
    parent: Key | None,
) -> UnitRecord:
    official, kind, short_name = name_parts(level=level, name=name)
    return UnitRecord(level, code, *valid, official, kind, short_name, region, parent)


def _province_record(*, code: str, map_name: str) -> UnitRecord:
    """One record for a province; a continuing one reads the same from both maps, so it becomes one row."""
    if map_name == TWO_TIER or code in _continuing_provinces():
        valid = (_two_tier_province_key(code)[2], None)
        name = dict(_two_tier()["provinces"])[code]
        return _record(
            level=Level.PROVINCE, code=code, name=name, valid=valid, region=TWO_TIER_REGIONS[code], parent=None
        )
    name = dict(_three_tier()["provinces"])[code]
    return _record(
        level=Level.PROVINCE, code=code, name=name, valid=_THREE_TIER, region=THREE_TIER_REGIONS[code], parent=None
    )


def _three_tier_records(codes: set[str]) -> Iterator[UnitRecord]:
    fixture = _three_tier()
    yield from (_province_record(code=code, map_name=THREE_TIER) for code in sorted(codes))
    district_province = {}
    for code, name, province_code in fixture["districts"]:
        if province_code in codes:
            district_province[code] = province_code
            parent, region = (Level.PROVINCE, province_code, None), THREE_TIER_REGIONS[province_code]
            yield _record(level=Level.DISTRICT, code=code, name=name, valid=_THREE_TIER, region=region, parent=parent)
    for code, name, district_code in fixture["communes"]:
        if district_code in district_province:
            parent, region = (Level.DISTRICT, district_code, None), THREE_TIER_REGIONS[district_province[district_code]]
            yield _record(level=Level.COMMUNE, code=code, name=name, valid=_THREE_TIER, region=region, parent=parent)


def _two_tier_records(codes: set[str]) -> Iterator[UnitRecord]:
    yield from (_province_record(code=code, map_name=TWO_TIER) for code in sorted(codes))
    for code, name, province_code in _two_tier()["communes"]:
        if province_code in codes:
            parent, region = _two_tier_province_key(province_code), TWO_TIER_REGIONS[province_code]
            yield _record(level=Level.COMMUNE, code=code, name=name, valid=_TWO_TIER, region=region, parent=parent)


def map_records(*, maps: Sequence[str], codes: dict[str, set[str]] | None = None) -> list[UnitRecord]:
    """The units of the chosen maps, parents before children; `codes` narrows each map to some provinces."""
    fixtures = {THREE_TIER: _three_tier(), TWO_TIER: _two_tier()}
    readers = {THREE_TIER: _three_tier_records, TWO_TIER: _two_tier_records}
    # A dict keyed by row: a continuing province comes from both maps and must be written once.
    records: dict[Key, UnitRecord] = {}
    for map_name in maps:
        wanted = {code for code, _ in fixtures[map_name]["provinces"]} if codes is None else codes[map_name]
        records.update((record.key, record) for record in readers[map_name](wanted))
    order = {level: index for index, level in enumerate(Level.values)}
    return sorted(records.values(), key=lambda record: order[record.level])


def successor_keys() -> list[tuple[Key, Key]]:
    """Old unit → the unit(s) it became on 1/7/2025, from vietnam-address-converter's table."""
    links = _successors()
    return [
        *(((Level.PROVINCE, old, None), _two_tier_province_key(new)) for old, new in links["provinces"]),
        *(((Level.DISTRICT, old, None), (Level.COMMUNE, new, TWO_TIER_MAP_START)) for old, new in links["districts"]),
        *(((Level.COMMUNE, old, None), (Level.COMMUNE, new, TWO_TIER_MAP_START)) for old, new in links["communes"]),
    ]


def _unit_ids(keys: Iterable[Key]) -> dict[Key, int]:
    keys = set(keys)
    if not keys:
        return {}
    rows = AdministrativeUnit.objects.filter(
        level__in={level for level, _, _ in keys}, code__in={code for _, code, _ in keys}
    ).values_list("level", "code", "valid_from", "id")
    return {(level, code, valid_from): pk for level, code, valid_from, pk in rows if (level, code, valid_from) in keys}


def _units_upsert(*, records: list[UnitRecord], report: LoadReport, loaded_all: bool) -> dict[Key, int]:
    ids: dict[Key, int] = {}
    for level in Level.values:
        level_records = [record for record in records if record.level == level]
        if not level_records:
            continue
        scope = AdministrativeUnit.objects.filter(level=level).only("id", "level", "code", "valid_from", *_OWNED_FIELDS)
        if not loaded_all:
            scope = scope.filter(code__in={record.code for record in level_records})
        rows = [
            AdministrativeUnit(
                level=level,
                code=record.code,
                valid_from=record.valid_from,
                name=record.name,
                short_name=record.short_name,
                # bulk writes skip save(), which is where search_name is usually filled.
                search_name=fold(record.name),
                kind=record.kind,
                parent_id=ids[record.parent] if record.parent else None,
                valid_to=record.valid_to,
                region=record.region,
                in_programme=record.kind == Kind.COMMUNE,
            )
            for record in level_records
        ]
        report.levels[level] = bulk_upsert(
            scope=scope, rows=rows, key=("level", "code", "valid_from"), fields=_OWNED_FIELDS
        )
        ids.update({(row.level, row.code, row.valid_from): row.pk for row in rows})
    return ids


def _successors_link(*, ids: dict[Key, int], report: LoadReport) -> None:
    links = [(old, new) for old, new in successor_keys() if old in ids or new in ids]
    ids = {**_unit_ids(key for link in links for key in link if key not in ids), **ids}
    pairs = set()
    for old, new in links:
        if old in ids and new in ids:
            pairs.add((ids[old], ids[new]))
        else:
            report.successors_skipped += 1
    through = AdministrativeUnit.successors.through
    existing = set(
        through.objects.filter(from_administrativeunit_id__in={old for old, _ in pairs}).values_list(
            "from_administrativeunit_id", "to_administrativeunit_id"
        )
    )
    missing = sorted(pairs - existing)
    through.objects.bulk_create(
        [through(from_administrativeunit_id=old, to_administrativeunit_id=new) for old, new in missing],
        batch_size=5000,
        ignore_conflicts=True,
    )
    report.successors_created += len(missing)
    report.successors_existing += len(pairs & existing)


def units_load(*, province: str | None = None, maps: Sequence[str] = MAPS) -> LoadReport:
    """Create or update the units of the chosen maps (of one province, or the whole country) and their links.

    Raises UnknownProvince when `province` names no province of the chosen maps.
    """
    started = time.perf_counter()
    codes = None if province is None else province_codes(name=province, maps=maps)
    records = map_records(maps=maps, codes=codes)
    report = LoadReport()
    with transaction.atomic():
        ids = _units_upsert(records=records, report=report, loaded_all=codes is None)
        _successors_link(ids=ids, report=report)
    report.seconds = time.perf_counter() - started
    return report

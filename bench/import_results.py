"""Benchmark: importing a national results workbook, against a bare openpyxl read of the same file.

On a throwaway database (an SQLite file by default, or the PostgreSQL server of DATABASE_URL, where a
database named `<name>_bench_import` is created and dropped) it loads the criteria catalogue and the whole
country's map, then writes a workbook in the wide layout offices keep (title rows, then STT | Tên xã | Huyện |
TC1 … TC19 | Tổng số tiêu chí đạt) with 10,000 communes of 2024 and reproducible random marks, judged by the
national set in force that year (QĐ 318/QĐ-TTg).

The map in force on 1/1/2024 has about 10,000 commune-level units but only about 7,700 of them are xã, the
units of the programme; wards and townships are not. To reach 10,000 rows, this throwaway database marks
every commune-level unit of the year as in the programme, and the workbook takes the first 10,000 by code
of those whose name and district name tell them apart (a few pairs, such as the Thị trấn An Lão of Huyện
An Lão in Hải Phòng and in Bình Định, need a code column, which this layout has not). Each row carries its
district, as offices write it, so that same-named communes of different districts are told apart.

It times, as medians of a few runs:
- import: what an administrator's import does, from the file's bytes to the rows written:
  `results_file_check` then `results_import(dry_run=False)`, into a year without any results (every row new;
  the year's assessments, results and their history are deleted, untimed, between runs);
- reimport: the same file again over the results it wrote (every row unchanged);
- parse: `openpyxl.load_workbook(read_only=True, data_only=True)` and every cell's value, nothing else.

peak_mb is the tracemalloc peak (Python allocations) of one more fresh import, run apart from the timed ones
because tracing slows Python down. Usage:

    .venv/bin/python bench/import_results.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ntm_portal .venv/bin/python bench/import_results.py

Goal: the import within 3× the bare read. Measured 11/2026 on PostgreSQL 15, 2 cores: 2.1-2.3× (import
3.2 s, read 1.4 s; 3.1-3.6× before the three changes below). Of the import, reading the workbook takes the
read's own time; finding the units 0.07 s and building their matcher 0.08 s; reading the rows 0.3 s;
comparing 0.09 s; writing 190,000 results and 10,000 history rows by COPY 0.6 s; the commit 0.6 s,
PostgreSQL checking each result's reference to its assessment. What took the rest:
- Python's garbage collector walking the import's live objects again and again (0.5 s): paused during
  imports (`ntm_portal.collector`);
- each commune's district and province loaded as copies per row (`select_related`, 30,000 instances):
  prefetched once per district instead;
- the COPY text written whole before PostgreSQL read any of it: streamed in chunks, so the server stores one
  while Python writes the next.
The check of the file skips its own comparison when the import follows (`compare=False`): the import
compares under lock anyway. Each timed run starts from a collected heap (`harness.timed`).
Last line: RESULT rows=… import_s=… parse_s=… ratio=… peak_mb=…
"""

import datetime
import io
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import analyse, throwaway_database, timed

YEAR = 2024
ROWS = 10_000
SEED = 2024
RUNS = 3
TITLE = "BẢNG TỔNG HỢP KẾT QUẢ THỰC HIỆN BỘ TIÊU CHÍ XÃ NÔNG THÔN MỚI NĂM 2024"
TOTAL_HEADING = "Tổng số tiêu chí đạt"


def main() -> None:
    with throwaway_database("import"):
        from django.db import connection

        started = time.perf_counter()
        user, criteria_set, units = _load_country()
        print(
            f"database: {connection.vendor}; loaded the map and the criteria in {time.perf_counter() - started:.1f} s; "
            f"{len(units)} communes in 2024, set {criteria_set.code}"
        )
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "ket-qua-2024.xlsx"
            told_apart = _told_apart(units)
            rows = _write_workbook(path, units=told_apart[:ROWS], numbers=_numbers(criteria_set))
            print(
                f"workbook: {rows} rows (of {len(told_apart)} communes told apart by name and district), "
                f"{path.stat().st_size / 1024:.0f} KiB"
            )
            _measure(path, rows=rows, user=user, criteria_set=criteria_set)


def _load_country():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from communes.models import AdministrativeUnit
    from criteria.selectors import criteria_set_in_force

    call_command("load_criteria", stdout=io.StringIO())
    call_command("load_units", "--all", stdout=io.StringIO())
    communes = AdministrativeUnit.objects.communes().valid_on(datetime.date(YEAR, 1, 1))
    communes.update(in_programme=True)  # wards and townships too: see the docstring
    units = list(communes.select_related("parent").order_by("code"))
    user = get_user_model().objects.create_superuser(username="bench.admin", password="bench-2026-import")
    return user, criteria_set_in_force(year=YEAR), units


def _told_apart(units) -> list:
    """The units that their name and district name tell apart: not the two Thị trấn An Lão of two Huyện An Lão."""
    pairs = Counter((unit.name, unit.parent.name) for unit in units)
    return [unit for unit in units if pairs[unit.name, unit.parent.name] == 1]


def _numbers(criteria_set) -> list[int]:
    return list(criteria_set.criteria.order_by("number").values_list("number", flat=True))


def _write_workbook(path: Path, *, units, numbers: list[int]) -> int:
    """The wide layout with a title, a blank row and the header above the rows; marks "x" or blank."""
    from openpyxl import Workbook

    rng = random.Random(SEED)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(f"Năm {YEAR}")
    sheet.append([TITLE])
    sheet.append([])
    sheet.append(["STT", "Tên xã", "Huyện", *(f"TC{number}" for number in numbers), TOTAL_HEADING])
    for index, unit in enumerate(units, 1):
        met = min(len(numbers), max(0, round(rng.gauss(14, 4))))
        chosen = set(rng.sample(numbers, met))
        marks = ["x" if number in chosen else None for number in numbers]
        sheet.append([index, unit.name, unit.parent.name, *marks, met])
    book.save(path)
    return len(units)


def _measure(path: Path, *, rows: int, user, criteria_set) -> None:
    content = path.read_bytes()
    _parse(path)  # imports every module the read needs, as in a running server
    imports, reimports, parses = [], [], []
    for run in range(RUNS):
        _empty_year(criteria_set)
        analyse()
        imports.append(timed(lambda: _import(content, user=user, criteria_set=criteria_set, expect="new")))
        analyse()
        reimports.append(timed(lambda: _import(content, user=user, criteria_set=criteria_set, expect="unchanged")))
        parses.append(timed(lambda: _parse(path)))
        print(f"run {run + 1}: import {imports[-1]:.2f} s, reimport {reimports[-1]:.2f} s, parse {parses[-1]:.2f} s")
    _empty_year(criteria_set)
    tracemalloc.start()
    _import(content, user=user, criteria_set=criteria_set, expect="new")
    peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()

    import_s, reimport_s, parse_s = (statistics.median(runs) for runs in (imports, reimports, parses))
    ratio = import_s / parse_s
    print(f"{'':<10} {'median s':>9}  runs")
    for name, runs in (("import", imports), ("reimport", reimports), ("parse", parses)):
        print(f"{name:<10} {statistics.median(runs):>9.2f}  {' '.join(f'{run:.2f}' for run in runs)}")
    print(f"peak memory of an import (tracemalloc): {peak_mb:.0f} MB")
    print(f"goal: import ≤ 3× parse ({ratio:.2f}×); reimport {reimport_s / parse_s:.2f}×")
    print(
        f"RESULT rows={rows} import_s={import_s:.2f} parse_s={parse_s:.2f} ratio={ratio:.2f} "
        f"peak_mb={peak_mb:.0f} reimport_s={reimport_s:.2f}"
    )


def _import(content: bytes, *, user, criteria_set, expect: str) -> None:
    """What an import by an administrator does: check the file, then write its rows."""
    from criteria.imports.results_wide import results_file_check
    from criteria.services import results_import

    checked = results_file_check(
        content, year=YEAR, criteria_set=criteria_set, file_name="ket-qua-2024.xlsx", compare=False
    )
    assert not checked.errors, checked.errors[:5]
    summary = results_import(user=user, year=YEAR, criteria_set=criteria_set, rows=checked.rows, dry_run=False)
    assert not summary.errors and summary.written, summary.errors[:5]
    assert getattr(summary, expect) == len(checked.rows), (expect, summary)


def _parse(path: Path) -> int:
    """The bare read: every cell's value of every sheet, nothing done with it."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    cells = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for _value in row:
                cells += 1
    book.close()
    return cells


def _empty_year(criteria_set) -> None:
    """Delete the year's assessments, their results and the history imports wrote: the next import is a fresh one."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from criteria.models import Assessment, CriterionResult
    from criteria.services.imports import IMPORT_COMMENT
    from ntm_portal.models import ChangeRecord

    assessments = Assessment.objects.filter(year=YEAR, criteria_set=criteria_set)
    with transaction.atomic():
        ChangeRecord.objects.filter(
            subject_type=ContentType.objects.get_for_model(Assessment), comment=IMPORT_COMMENT
        ).delete()
        CriterionResult.objects.filter(assessment__in=assessments).delete()
        assessments.delete()


if __name__ == "__main__":
    main()

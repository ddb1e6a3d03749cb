"""Benchmark: loading the whole country's administrative maps, ours (bulk upsert) against a row-by-row baseline.

Runs on a throwaway database: an SQLite file by default, or the PostgreSQL server of DATABASE_URL (a
database named `<name>_bench` is created and dropped). Usage:

    .venv/bin/python bench/load_units.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ntm_portal .venv/bin/python bench/load_units.py

Last line: RESULT units=… ours_s=… reload_s=… baseline_s=… speedup=…
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import throwaway_database


def main() -> None:
    with throwaway_database("units"):
        from django.db import connection

        from communes.models import AdministrativeUnit
        from communes.unit_loading import MAPS, map_records, units_load

        started = time.perf_counter()
        units_load(maps=MAPS)
        ours = time.perf_counter() - started
        units = AdministrativeUnit.objects.count()

        started = time.perf_counter()
        units_load(maps=MAPS)
        reload = time.perf_counter() - started

        AdministrativeUnit.successors.through.objects.all().delete()
        AdministrativeUnit.objects.update(parent=None)
        AdministrativeUnit.objects.all().delete()
        baseline = _row_by_row(map_records(maps=MAPS))

        print(f"database: {connection.vendor}")
        print(f"ours: {units} units in {ours:.2f} s (second run {reload:.2f} s); row by row: {baseline:.2f} s")
        print(
            f"RESULT units={units} ours_s={ours:.2f} reload_s={reload:.2f} "
            f"baseline_s={baseline:.2f} speedup={baseline / ours:.1f}"
        )


def _row_by_row(records) -> float:
    """The obvious loader: update_or_create each unit, looking its parent up, in one transaction."""
    from django.db import transaction

    from communes.models import AdministrativeUnit
    from ntm_portal.text import fold

    started = time.perf_counter()
    with transaction.atomic():
        for record in records:
            parent = None
            if record.parent:
                level, code, valid_from = record.parent
                parent = AdministrativeUnit.objects.get(level=level, code=code, valid_from=valid_from)
            AdministrativeUnit.objects.update_or_create(
                level=record.level,
                code=record.code,
                valid_from=record.valid_from,
                defaults={
                    "name": record.name,
                    "short_name": record.short_name,
                    "search_name": fold(record.name),
                    "kind": record.kind,
                    "parent": parent,
                    "valid_to": record.valid_to,
                    "region": record.region,
                    "in_programme": record.kind == "xa",
                },
            )
    return time.perf_counter() - started


if __name__ == "__main__":
    main()

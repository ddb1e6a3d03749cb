"""Benchmark: the results grid of a province and the national overview, against a trivial signed-in page.

Loads the whole country's map and one year (2024, QĐ 318/QĐ-TTg) of results for every programme commune
(about 8,000 xã × 19 criteria), deterministically, on a throwaway database: an SQLite file by default, or
the PostgreSQL server of DATABASE_URL (a database named `<name>_bench_grid` is created and dropped). Then,
with Django's test client, it times the Cao Bằng grid (as province staff), the national overview (as an
administrator) and the password-change page (the lightest page in the portal frame). Usage:

    .venv/bin/python bench/grid.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ntm_portal .venv/bin/python bench/grid.py

Goals: the grid within 3× the trivial page, the national overview within 10×. Measured 11/2026 on PostgreSQL
15, 2 cores: grid 2.6× (2.95-3.2× before the grid read its communes' assessments and recognitions by id in
two plain queries instead of five correlated subqueries, whose SQL Django rebuilt on every request and
whose join the database ran over the whole country's assessments), national 5.2-5.6×.
Last line: RESULT grid_ms=… national_ms=… trivial_ms=… ratio_grid=… ratio_national=… queries_grid=… queries_national=…
"""

import io
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import random_results, throwaway_database

YEAR = 2024
SET_CODE = "QD318-2022"
PROVINCE_CODE = "04"  # Cao Bằng
WARM_UPS = 3
RUNS = 21


def main() -> None:
    with throwaway_database("grid"):
        from django.db import connection

        started = time.perf_counter()
        communes, results = _load_country()
        print(
            f"database: {connection.vendor}; loaded {communes} communes, {results} results in "
            f"{time.perf_counter() - started:.1f} s"
        )
        _measure()


def _load_country() -> tuple[int, int]:
    """The map, the criteria and a year of results: every programme commune assessed against 19 criteria."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from communes.models import AdministrativeUnit
    from communes.unit_loading import MAPS, units_load
    from criteria.models import CriteriaSet, CriterionResult
    from criteria.selectors import programme_communes_under

    units_load(maps=MAPS)
    call_command("load_criteria", stdout=io.StringIO())
    criteria_set = CriteriaSet.objects.get(code=SET_CODE)
    rng = random.Random(1)
    with transaction.atomic():
        provinces = AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.PROVINCE)
        communes = list(programme_communes_under(roots=provinces, year=YEAR).order_by("code"))
        random_results([unit.pk for unit in communes], year=YEAR, criteria_set=criteria_set, rng=rng, mean=12)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return len(communes), CriterionResult.objects.filter(assessment__year=YEAR).count()


def _measure() -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from communes.models import AdministrativeUnit, Membership

    province = AdministrativeUnit.objects.get(
        level=AdministrativeUnit.Level.PROVINCE, code=PROVINCE_CODE, valid_from__isnull=True
    )
    users = get_user_model().objects
    staff = users.create_user(username="bench.tinh", password="bench-2026-grid")
    Membership.objects.create(user=staff, unit=province, role=Membership.Role.PROVINCE_STAFF)
    admin = users.create_superuser(username="bench.admin", password="bench-2026-grid")

    pages = [
        ("grid", staff, f"{reverse('criteria:grid')}?unit={province.pk}&year={YEAR}"),
        ("national", admin, f"{reverse('criteria:overview')}?year={YEAR}"),
        ("trivial", staff, reverse("password_change")),
    ]
    clients = {}
    for name, user, url in pages:
        clients[name] = Client()
        clients[name].force_login(user)
        for _warm_up in range(WARM_UPS):
            assert clients[name].get(url).status_code == 200, url
    # Round robin, so that whatever else the machine is doing weighs on the three pages alike.
    runs = {name: [] for name, _user, _url in pages}
    for _run in range(RUNS):
        for name, _user, url in pages:
            started = time.perf_counter()
            clients[name].get(url)
            runs[name].append((time.perf_counter() - started) * 1000)
    timings = {name: statistics.median(values) for name, values in runs.items()}
    queries, sizes = {}, {}
    for name, _user, url in pages:
        with CaptureQueriesContext(connection) as captured:
            response = clients[name].get(url)
        queries[name], sizes[name] = len(captured.captured_queries), len(response.content)

    print(f"{'page':<10} {'median ms':>10} {'queries':>8} {'KiB':>7}  url")
    for name, _user, url in pages:
        print(f"{name:<10} {timings[name]:>10.1f} {queries[name]:>8} {sizes[name] / 1024:>7.1f}  {url}")
    ratio_grid = timings["grid"] / timings["trivial"]
    ratio_national = timings["national"] / timings["trivial"]
    print(f"goals: grid ≤ 3× trivial ({ratio_grid:.2f}×), national ≤ 10× trivial ({ratio_national:.2f}×)")
    print(
        f"RESULT grid_ms={timings['grid']:.1f} national_ms={timings['national']:.1f} "
        f"trivial_ms={timings['trivial']:.1f} ratio_grid={ratio_grid:.2f} ratio_national={ratio_national:.2f} "
        f"queries_grid={queries['grid']} queries_national={queries['national']}"
    )


if __name__ == "__main__":
    main()
